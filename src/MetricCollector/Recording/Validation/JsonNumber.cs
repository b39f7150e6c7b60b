using System.Globalization;
using System.Text.Json;

namespace MetricCollector.Recording.Validation;

/// <summary>
/// A JSON number as the reference path sees it: Newtonsoft reads a number without fraction or exponent that fits 64
/// bits as an integer, a longer one as a <c>BigInteger</c> (which the reader turns into the nearest double)
/// and anything else as a double; NJsonSchema then compares it with the schema's bounds as a <see cref="decimal"/>.
/// </summary>
internal readonly struct JsonNumber
{
    // Below this, a double converts to decimal without overflow; from the next bound on, it always overflows.
    private const double SafeDecimalMagnitude = 7.9e28;
    private const double OverflowDecimalMagnitude = 8e28;

    private JsonNumber(bool isInteger, long integer, double value)
    {
        IsInteger = isInteger;
        Integer = integer;
        Value = value;
    }

    /// <summary>True for what Newtonsoft reads as an integer token: no fraction, no exponent, within 64 bits.</summary>
    public bool IsInteger { get; }

    /// <summary>The value when <see cref="IsInteger"/>.</summary>
    public long Integer { get; }

    /// <summary>The double the record carries (+-Infinity beyond the range of a double).</summary>
    public double Value { get; }

    /// <summary>Reads an element of kind <see cref="JsonValueKind.Number"/>.</summary>
    public static JsonNumber Read(TapeElement element)
    {
        var raw = element.RawValue;
        if (raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0)
        {
            return new JsonNumber(false, 0, double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        if (element.TryGetInt64(out long integer))
        {
            return new JsonNumber(true, integer, integer);
        }

        // Integers beyond 64 bits: the nearest double, as the same digits with ".0" give (a BigInteger's conversion
        // truncates, a review found: 49183380649905222844 read 4.918338064990522e19, not ...226e19).
        return new JsonNumber(false, 0, double.Parse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The decimal NJsonSchema compares with the schema's bounds (a double converted keeps 15 significant digits), or
    /// false where that conversion overflows and NJsonSchema compares doubles instead.
    /// </summary>
    public bool TryGetDecimal(out decimal value)
    {
        if (IsInteger)
        {
            value = Integer;
            return true;
        }

        double magnitude = Math.Abs(Value);
        if (magnitude < SafeDecimalMagnitude)
        {
            value = (decimal)Value;
            return true;
        }

        value = 0;
        if (!double.IsFinite(Value) || magnitude >= OverflowDecimalMagnitude)
        {
            return false;
        }

        // The few doubles in between overflow or not depending on rounding; only the conversion itself can tell.
        try
        {
            value = (decimal)Value;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
