using System.Text;
using Yarp.ReverseProxy.Forwarder;

namespace MetricCollector.Gateway.Proxy;

/// <summary>
/// The <c>error</c> label values of <c>gateway_upstream_errors_total</c>: YARP's <see cref="ForwarderError"/> names in
/// snake_case (<c>request</c>, <c>request_timed_out</c>, <c>no_available_destinations</c>...), computed once.
/// </summary>
internal static class ForwarderErrorLabels
{
    private static readonly string[] Names = Build();

    public static int Count => Names.Length;

    public static string NameOf(ForwarderError error) => Names[(int)error];

    private static string[] Build()
    {
        var values = Enum.GetValues<ForwarderError>();
        int max = 0;
        foreach (var value in values)
        {
            max = Math.Max(max, (int)value);
        }

        var names = new string[max + 1];
        foreach (var value in values)
        {
            names[(int)value] = SnakeCase(value.ToString());
        }

        return names;
    }

    private static string SnakeCase(string name)
    {
        var result = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                result.Append('_');
            }

            result.Append(char.ToLowerInvariant(name[i]));
        }

        return result.ToString();
    }
}
