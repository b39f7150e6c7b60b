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
    public TChild Child { get; } = child;

    public override void Retire()
    {
        base.Retire();
        Child.Remove();
    }
}
