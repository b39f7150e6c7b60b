using System.Diagnostics;

namespace MetricCollector.Tests.Exposition;

/// <summary>
/// Outside judges of our exposition: <c>promtool check metrics</c> (Debian <c>prometheus</c>) on the text format and the
/// official Python client's strict parsers (Debian <c>python3-prometheus-client</c>). <c>.ci/run</c> installs both.
/// </summary>
internal static class ExpositionOracles
{
    private const string PythonScript = """
        import sys
        from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
        from prometheus_client.parser import text_string_to_metric_families as text
        parse = openmetrics if sys.argv[1] == "openmetrics" else text
        families = list(parse(sys.stdin.read()))
        print(sum(len(f.samples) for f in families))
        """;

    private const string LabelValuesScript = """
        import sys, json
        from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
        from prometheus_client.parser import text_string_to_metric_families as text
        parse = openmetrics if sys.argv[1] == "openmetrics" else text
        values = [s.labels[sys.argv[3]] for f in parse(sys.stdin.read()) for s in f.samples if s.name == sys.argv[2]]
        print(json.dumps(values))
        """;

    private const string HelpScript = """
        import sys, json
        from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
        from prometheus_client.parser import text_string_to_metric_families as text
        parse = openmetrics if sys.argv[1] == "openmetrics" else text
        print(json.dumps({f.name: f.documentation for f in parse(sys.stdin.read())}))
        """;

    private const string EachScript = """
        import sys, json
        from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics
        from prometheus_client.parser import text_string_to_metric_families as text
        parse = openmetrics if sys.argv[1] == "openmetrics" else text
        expositions = json.load(sys.stdin)
        for index, exposition in enumerate(expositions):
            try:
                list(parse(exposition))
            except Exception as error:
                print("exposition %d: %s\n---\n%s" % (index, error, exposition))
                sys.exit(1)
        print(len(expositions))
        """;

    /// <summary>The values of label <paramref name="label"/> on samples named <paramref name="sample"/>, as the Python client's parser reads them.</summary>
    public static async Task<string[]> PythonLabelValuesAsync(string exposition, bool openMetrics, string sample, string label)
    {
        var (exitCode, output) = await RunAsync("/usr/bin/python3", ["-c", LabelValuesScript, openMetrics ? "openmetrics" : "text", sample, label], exposition);
        if (exitCode != 0)
        {
            throw new InvalidOperationException("The Python prometheus_client parser refused the exposition:\n" + output);
        }

        return System.Text.Json.JsonSerializer.Deserialize<string[]>(output)!;
    }

    /// <summary>Each family's HELP text as the Python client's parser reads it (unescaped), by family name.</summary>
    public static async Task<Dictionary<string, string>> PythonHelpsAsync(string exposition, bool openMetrics)
    {
        var (exitCode, output) = await RunAsync("/usr/bin/python3", ["-c", HelpScript, openMetrics ? "openmetrics" : "text"], exposition);
        if (exitCode != 0)
        {
            throw new InvalidOperationException("The Python prometheus_client parser refused the exposition:\n" + output + "\n---\n" + exposition);
        }

        return System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(output)!;
    }

    /// <summary>Runs <c>promtool check metrics</c>; exit 0 means no parse error and no lint problem.</summary>
    public static Task<(int ExitCode, string Output)> PromtoolCheckAsync(string exposition) =>
        RunAsync("promtool", ["check", "metrics"], exposition);

    /// <summary>Parses with the Python client; returns the number of samples, or throws with the parser's error.</summary>
    public static async Task<int> PythonParseAsync(string exposition, bool openMetrics)
    {
        var (exitCode, output) = await RunAsync("/usr/bin/python3", ["-c", PythonScript, openMetrics ? "openmetrics" : "text"], exposition);
        if (exitCode != 0)
        {
            throw new InvalidOperationException("The Python prometheus_client parser refused the exposition:\n" + output + "\n---\n" + exposition);
        }

        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Parses every exposition with the Python client in one process (a process per exposition would cost more than
    /// the parse); returns how many were parsed, or throws with the first refused one and the parser's error.
    /// </summary>
    public static async Task<int> PythonParseEachAsync(IReadOnlyList<string> expositions, bool openMetrics)
    {
        var (exitCode, output) = await RunAsync("/usr/bin/python3", ["-c", EachScript, openMetrics ? "openmetrics" : "text"], System.Text.Json.JsonSerializer.Serialize(expositions));
        if (exitCode != 0)
        {
            throw new InvalidOperationException("The Python prometheus_client parser refused an exposition:\n" + output);
        }

        return int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a program with <paramref name="input"/> on its standard input; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, string input)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
