namespace MetricCollector.Gateway.Proxy;

/// <summary>The bounded set of <c>method</c> label values: the standard methods, and <c>OTHER</c> for the rest.</summary>
internal static class HttpMethodLabels
{
    public const int Count = 10;

    private static readonly string[] Names = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "OTHER"];

    public static string NameOf(int index) => Names[index];

    /// <summary>The label index of <paramref name="method"/>; Kestrel interns the standard methods, so this rarely compares text.</summary>
    public static int IndexOf(string method)
    {
        if (HttpMethods.IsGet(method))
        {
            return 0;
        }

        if (HttpMethods.IsPost(method))
        {
            return 1;
        }

        if (HttpMethods.IsPut(method))
        {
            return 2;
        }

        if (HttpMethods.IsDelete(method))
        {
            return 3;
        }

        if (HttpMethods.IsPatch(method))
        {
            return 4;
        }

        if (HttpMethods.IsHead(method))
        {
            return 5;
        }

        if (HttpMethods.IsOptions(method))
        {
            return 6;
        }

        if (HttpMethods.IsTrace(method))
        {
            return 7;
        }

        return HttpMethods.IsConnect(method) ? 8 : 9;
    }
}
