using System.Globalization;
using CsCheck;

namespace MetricCollector.Tests.Recording;

/// <summary>
/// Generators of record JSON for the differential tests: valid records of the four types, then mutations that break
/// one rule of the schema or probe a corner of its keywords (wrong kinds, missing or extra fields, bad names, limits
/// just inside and just outside, numbers Newtonsoft and System.Text.Json could read differently).
/// </summary>
internal static class RecordGen
{
    private static readonly Gen<string> Letters = Gen.Char["abcxyzABXYZ_"].Array[1, 8].Select(chars => new string(chars));

    private static readonly Gen<string> ValidName = Gen.Select(Letters, Gen.Char["az09_"].Array[0, 6], (head, tail) => head + new string(tail));

    private static readonly Gen<string> OddName = Gen.OneOf(
        "1a", "a-b", "", "a:b", "ü", @"a\n", @"a\u005fb", @"a\ud800", "__x", "_", "le", "quantile", "a.b", "a/b", "a~b", " a",
        new string('a', 100), new string('a', 101), new string('a', 200), new string('a', 201));

    /// <summary>Raw JSON numbers: ordinary ones and those at the edges of long, double and decimal.</summary>
    public static readonly Gen<string> Number = Gen.Frequency(
        (4, Gen.Double[-1e6, 1e6].Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (2, Gen.Int[-5, 100].Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Double.Unit.Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (4, Gen.OneOf(
            "0", "-0", "-0.0", "0.0", "1", "0.5", "1.0", "1e-30", "5e-324", "0.9999999999999999", "0.99999999999999999",
            "1.0000000000000002", "0.000000000000000000000000000001", "1e400", "-1e400", "1E2", "1e0", "-1", "2592000",
            "2592001", "2592000.0", "10.0", "1e1", "1e-29", "-1e-29", "1e-300", "0.99999999999999994", "0.99999999999999989", "1e28", "7.9228162514264337593543950335e28", "7.93e28", "1e29", "-1e29",
            "123456789012345678901234567890", "-123456789012345678901234567890", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1" + new string('0', 400))));

    private static readonly Gen<string> Text = Gen.Frequency(
        (6, ValidName.Select(Quote)),
        (1, Gen.OneOf(@"""""", @"""ü✓""", @"""q\""b\\n""", @"""\u00e9""", @"""a\nb""", @"""\ud83d\ude00""")),
        // Escapes of half a surrogate pair, which no Unicode string holds: refused, on both paths alike.
        (1, Gen.OneOf(@"""a\ud800""", @"""\uDBFF""", @"""\udc00\ud800""", @"""\ud800\u0041""", @"""\ud83d\ude00\ude00""", @"""\ufffd""")),
        (1, Gen.OneOf(1023, 1024, 1025).Select(n => Quote(new string('v', n)))),
        // maxLength counts code points: emoji (two UTF-16 units each), raw and escaped, at the limit and past it.
        (1, Gen.Select(Gen.OneOf(512, 513, 1024, 1025), Gen.OneOf("😀", @"\ud83d\ude00")).Select(t => Quote(string.Concat(Enumerable.Repeat(t.Item2, t.Item1))))),
        (1, Gen.OneOf(1023, 1024).Select(n => Quote(new string('v', n) + "😀"))));

    private static readonly Gen<string> Junk = Gen.OneOf(
        @"""x""", "1", "-1", "1.5", "[]", "{}", "null", "true", "false", @"[1,""x""]", @"{""y"":[1,{""z"":null}]}", "[[1]]",
        @"[{""quantile"":0.5}]", @"{""le"":""1""}");

    private static readonly Gen<string> Numbers = Number.Array[1, 4].Select(Array);

    private static readonly Gen<string> LabelName = Gen.Frequency((8, ValidName), (2, OddName));

    private static readonly Gen<string> Labels = Gen.Frequency(
        (8, Gen.Select(LabelName, Gen.Frequency((8, Text), (1, Junk))).Array[0, 4].Select(Object)),
        (1, Gen.Int[31, 34].Select(n => Object(Enumerable.Range(0, n).Select(i => ("l" + i.ToString(CultureInfo.InvariantCulture), @"""v""")).ToArray()))));

    private static readonly Gen<string> Objective = Gen.Frequency(
        (6, Gen.Select(Number, Number, (q, e) => Object([("quantile", q), ("error", e)]))),
        (1, Gen.OneOf(@"{""quantile"":0.5}", @"{""quantile"":0.5,""error"":0.1,""x"":1}", "1", "[]")));

    private static readonly Gen<string> Objectives = Gen.Frequency(
        (6, Objective.Array[1, 3].Select(Array)),
        (1, Gen.OneOf(0, 16, 17).Select(n => Array(Enumerable.Repeat(@"{""quantile"":0.5,""error"":0.1}", n).ToArray()))));

    private static readonly Gen<string> Buckets = Gen.Frequency(
        (6, Numbers),
        (1, Gen.OneOf(0, 64, 65).Select(n => Array(Enumerable.Range(1, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray()))));

    private static readonly Gen<string> Values = Gen.Frequency((8, Numbers), (1, Gen.OneOf(0, 1000, 1001).Select(n => Array(Enumerable.Repeat("1", n).ToArray()))));

    private static readonly string[] FieldNames =
        ["metric_name", "metric_type", "value", "values", "operation", "labels", "buckets", "objectives", "help", "ttl_seconds", "valeu", "x", @"metric\u005fname"];

    private static readonly Gen<string> AnyField = Gen.OneOf(Number, Numbers, Text, Labels, Objectives, Junk, Gen.OneOf(@"""inc""", @"""dec""", @"""set""", @"""mul"""));

    private static readonly Gen<string> Name = Gen.Frequency((8, ValidName), (1, OddName)).Select(Quote);

    private static readonly Gen<(string, string)[]> Optional = Gen.Select(
        Labels.Select(l => ("labels", l)).Array[0, 1],
        Text.Select(h => ("help", h)).Array[0, 1],
        Gen.Frequency((6, Gen.Int[1, 2592000].Select(s => s.ToString(CultureInfo.InvariantCulture))), (1, Number)).Select(t => ("ttl_seconds", t)).Array[0, 1],
        ((string, string)[] ((string, string)[] labels, (string, string)[] help, (string, string)[] ttl) => [.. labels, .. help, .. ttl]));

    private static readonly Gen<(string, string)[]> Counter = Gen.Select(
        Name, Number.Select(v => ("value", v)).Array[0, 1], Optional,
        (name, value, optional) => Fields(name, "counter", [.. value, .. optional]));

    private static readonly Gen<(string, string)[]> Gauge = Gen.Select(
        Name, Number, Gen.OneOf(@"""inc""", @"""dec""", @"""set""").Select(o => ("operation", o)).Array[0, 1], Optional,
        (name, value, operation, optional) => Fields(name, "gauge", [("value", value), .. operation, .. optional]));

    private static readonly Gen<(string, string)> Observation = Gen.OneOf(Number.Select(v => ("value", v)), Values.Select(v => ("values", v)));

    private static readonly Gen<(string, string)[]> Histogram = Gen.Select(
        Name, Observation, Buckets.Select(b => ("buckets", b)).Array[0, 1], Optional,
        (name, observation, buckets, optional) => Fields(name, "histogram", [observation, .. buckets, .. optional]));

    private static readonly Gen<(string, string)[]> Summary = Gen.Select(
        Name, Observation, Objectives.Select(o => ("objectives", o)).Array[0, 1], Optional,
        (name, observation, objectives, optional) => Fields(name, "summary", [observation, .. objectives, .. optional]));

    private static readonly Gen<Func<(string, string)[], (string, string)[]>> Mutation = Gen.OneOf(
        Gen.Int[0, 9].Select<int, Func<(string, string)[], (string, string)[]>>(i => fields => fields.Length == 0 ? fields : [.. fields.Where((_, j) => j != i % fields.Length)]),
        Gen.Select(Gen.Int[0, 9], Gen.OneOf(Junk, Number, Text, Labels)).Select<(int, string), Func<(string, string)[], (string, string)[]>>(
            t => fields => fields.Length == 0 ? fields : [.. fields.Select((f, j) => j == t.Item1 % fields.Length ? (f.Item1, t.Item2) : f)]),
        Gen.Select(Gen.OneOf(FieldNames), AnyField).Select<(string, string), Func<(string, string)[], (string, string)[]>>(
            t => fields => fields.Any(f => f.Item1 == t.Item1) ? fields : [.. fields, t]),
        Gen.OneOf(@"""timer""", @"""Counter""", "1", @"""counter""", @"""gauge""", @"""histogram""", @"""summary""").Select<string, Func<(string, string)[], (string, string)[]>>(
            type => fields => [.. fields.Select(f => f.Item1 == "metric_type" ? (f.Item1, type) : f)]));

    /// <summary>One record object as JSON text: valid, or broken by up to three mutations.</summary>
    public static readonly Gen<string> Record = Gen.Select(
        Gen.OneOf(Counter, Gauge, Histogram, Summary),
        Mutation.Array[0, 3],
        (fields, mutations) => Object(mutations.Aggregate(fields, (current, mutate) => mutate(current))));

    /// <summary>A body: one record, an array of records, or something else altogether.</summary>
    public static readonly Gen<string> Body = Gen.Frequency(
        (4, Record),
        (4, Record.Array[1, 5].Select(Array)),
        (1, Gen.OneOf(Junk, Record.Select(r => "[" + r + ",1]"))));

    private static (string, string)[] Fields(string name, string type, (string, string)[] rest) =>
        [("metric_name", name), ("metric_type", Quote(type)), .. rest];

    private static string Quote(string text) => "\"" + text + "\"";

    private static string Array(string[] items) => "[" + string.Join(",", items) + "]";

    private static string Object((string Name, string Value)[] fields) =>
        "{" + string.Join(",", fields.Select(f => Quote(f.Name) + ":" + f.Value)) + "}";
}
