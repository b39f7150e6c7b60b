using MetricCollector.Recording;
using Prometheus;

namespace MetricCollector.Collector;

/// <summary>
/// A series kept by prometheus-net (summaries): the protocol of <see cref="PushedSeries"/> around a
/// prometheus-net child, which holds the value and writes it.
/// </summary>
/// <typeparam name="TChild">The prometheus-net series type.</typeparam>
internal sealed class ChildSeries<TChild>(TChild child) : PushedSeries
    where TChild : ChildBase
{
    // The child's sum, which prometheus-net does not show: added under this object's lock in the order the child
    // adds it, so that a record which would make it infinite is refused before the child sees any of its values.
    private double _sum;

    public TChild Child { get; } = child;

    /// <summary>
    /// Hands the record's value or values to <paramref name="observe"/> unless they would make the sum infinite;
    /// false, observing none, then.
    /// </summary>
    public bool TryObserve(MetricRecord record, Action<TChild, double> observe)
    {
        lock (this)
        {
            double sum = ObservedSum.After(_sum, record);
            if (!double.IsFinite(sum))
            {
                return false;
            }

            if (record.Values is { } values)
            {
                for (int i = 0; i < values.Count; i++)
                {
                    observe(Child, values[i]);
                }
            }
            else
            {
                observe(Child, record.Value!.Value);
            }

            _sum = sum;
            return true;
        }
    }

    public override void Retire()
    {
        base.Retire();
        Child.Remove();
    }
}
