namespace MetricCollector.Recording;

/// <summary>How a gauge record changes the gauge.</summary>
public enum GaugeOperation
{
    /// <summary>The gauge takes the record's value.</summary>
    Set,

    /// <summary>The record's value is added to the gauge.</summary>
    Inc,

    /// <summary>The record's value is subtracted from the gauge.</summary>
    Dec,
}
