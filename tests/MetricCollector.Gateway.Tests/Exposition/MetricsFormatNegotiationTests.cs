using MetricCollector.Exposition;
using MetricCollector.Gateway.Exposition;
using Microsoft.Extensions.Primitives;

namespace MetricCollector.Gateway.Tests.Exposition;

public sealed class MetricsFormatNegotiationTests
{
    private const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    [Theory]
    [InlineData(null, MetricsFormat.PrometheusText)]
    [InlineData("", MetricsFormat.PrometheusText)]
    [InlineData("text/plain", MetricsFormat.PrometheusText)]
    [InlineData("*/*", MetricsFormat.PrometheusText)]
    [InlineData(PrometheusAccept, MetricsFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text", MetricsFormat.OpenMetrics)]
    [InlineData("APPLICATION/OpenMetrics-Text; version=1.0.0", MetricsFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0", MetricsFormat.PrometheusText)]
    [InlineData("application/openmetrics-text; q=0.0", MetricsFormat.PrometheusText)]
    [InlineData("text/plain;q=1, application/openmetrics-text;q=0.1", MetricsFormat.PrometheusText)]
    [InlineData("text/plain;q=0.5, application/openmetrics-text;q=0.6", MetricsFormat.OpenMetrics)]
    [InlineData("text/plain;q=0.5, application/openmetrics-text;q=0.5", MetricsFormat.OpenMetrics)]
    [InlineData("text/plain, application/openmetrics-text", MetricsFormat.OpenMetrics)]
    [InlineData("text/plain;q=0, */*", MetricsFormat.OpenMetrics)]
    [InlineData("application/*", MetricsFormat.OpenMetrics)]
    [InlineData("application/*;q=0.9, text/*;q=0.8", MetricsFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;q=0, */*", MetricsFormat.PrometheusText)]
    [InlineData("application/openmetrics-text;version=0.0.1;q=0.2, application/openmetrics-text;version=1.0.0;q=0.9, text/plain;q=0.5", MetricsFormat.OpenMetrics)]
    [InlineData("application/json", MetricsFormat.PrometheusText)]
    [InlineData("text/plain;q=0", MetricsFormat.PrometheusText)]
    [InlineData("application/openmetrics-text;q=zero", MetricsFormat.OpenMetrics)]
    [InlineData("\"unparsable", MetricsFormat.PrometheusText)]
    public void The_format_follows_the_q_values_of_the_Accept_header(string? accept, MetricsFormat expected)
    {
        Assert.Equal(expected, MetricsFormatNegotiation.Choose(accept is null ? StringValues.Empty : new StringValues(accept)));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("gzip", true)]
    [InlineData("GZIP", true)]
    [InlineData("x-gzip", true)]
    [InlineData("gzip, deflate, br", true)]
    [InlineData("br;q=1.0, gzip;q=0.8, *;q=0.1", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("gzip;q=0, *", false)]
    [InlineData("identity", false)]
    [InlineData("br", false)]
    [InlineData("*", true)]
    [InlineData("*;q=0", false)]
    [InlineData("\"unparsable", false)]
    public void Gzip_is_used_when_Accept_Encoding_takes_it(string? acceptEncoding, bool expected)
    {
        Assert.Equal(expected, MetricsFormatNegotiation.AcceptsGzip(acceptEncoding is null ? StringValues.Empty : new StringValues(acceptEncoding)));
    }

    [Fact]
    public void Accept_given_in_several_header_lines_is_read_as_one_list()
    {
        Assert.Equal(MetricsFormat.PrometheusText, MetricsFormatNegotiation.Choose(new StringValues(["application/openmetrics-text;q=0.1", "text/plain"])));
    }
}
