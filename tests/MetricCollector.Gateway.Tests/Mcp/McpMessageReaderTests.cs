using System.Buffers;
using System.Text;
using CsCheck;
using MetricCollector.Gateway.Mcp;

namespace MetricCollector.Gateway.Tests.Mcp;

/// <summary>
/// <see cref="McpMessageReader"/> on bodies a client controls: whatever the bytes, it returns calls (a body that is not
/// JSON-RPC is one <c>malformed</c> call) and never throws, since a throw fails the request in the gateway, before it
/// reaches CoreMCPServer.
/// </summary>
public sealed class McpMessageReaderTests
{
    private static readonly McpToolLabels Tools = new(new McpInstrumentationOptions());

    private static List<McpCall> Read(byte[] body) => McpMessageReader.ReadCalls(new ReadOnlySequence<byte>(body), Tools);

    private static byte[] Body(string before, byte[] value, string after) =>
        [.. Encoding.UTF8.GetBytes(before), .. value, .. Encoding.UTF8.GetBytes(after)];

    // The three strings the reader decodes: the method, the id and the tool name.
    private static readonly (string Before, string After)[] StringsRead =
    [
        ("""{"jsonrpc":"2.0","id":1,"method":" """.TrimEnd(), "\"}"),
        ("""{"jsonrpc":"2.0","method":"tools/call","id":" """.TrimEnd(), "\"}"),
        ("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":" """.TrimEnd(), "\"}}"),
    ];

    [Theory]
    [InlineData(0, "61C3")]              // "a" and a truncated two-byte sequence
    [InlineData(2, "FF")]                // a byte that is never UTF-8
    [InlineData(2, "EDA080")]            // an encoded surrogate, which UTF-8 forbids
    [InlineData(0, "5C7564383030")]      // \ud800: an escaped lone high surrogate
    [InlineData(0, "5C7564633030")]      // \udc00: an escaped lone low surrogate
    [InlineData(2, "5C7564383030")]
    public void A_method_or_tool_name_that_is_not_unicode_makes_the_body_malformed_without_throwing(int where, string hex)
    {
        var (before, after) = StringsRead[where];

        var call = Assert.Single(Read(Body(before, Convert.FromHexString(hex), after)));

        Assert.Equal(McpMethods.Malformed, call.Method);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"ping","\ud800":1}""")]
    [InlineData("""{"\udc00":1,"jsonrpc":"2.0","id":1,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"\udc00":1,"name":"x"}}""")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"ping"},{"\ud800":1}]""")]
    public void A_member_name_that_is_not_unicode_makes_the_body_malformed_without_throwing(string body)
    {
        // Comparing such a name with "method", "id", "params" or "name" makes the reader decode it, and it refuses: a
        // reviewer's POST of the first body was answered 500 and never reached CoreMCPServer.
        var call = Assert.Single(Read(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(McpMethods.Malformed, call.Method);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","\ud800":1,"error":{"code":-32000,"message":"m"},"id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"m"},"\ud800":1}""")]
    [InlineData("""[{"jsonrpc":"2.0","error":{"\udc00":1,"code":-32000},"id":1}]""")]
    [InlineData("""[{"jsonrpc":"2.0","error":{"code":-32000,"\udc00":1},"id":1}]""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":"\ud800"}""")]
    public void A_response_with_a_member_name_that_is_not_unicode_never_throws(string body)
    {
        // Read after the response went out: a throw there cut the client's response short. Members are looked up from
        // the last one, so whether the lookup meets the name before the error depends on the order: either way the
        // answer is the error's code or nothing.
        var errors = McpMessageReader.ReadErrors(Encoding.UTF8.GetBytes(body));

        Assert.True(errors is null || Assert.Single(errors).Value == -32000);
    }

    [Fact]
    public void A_body_thrown_away_as_malformed_takes_no_place_among_the_tool_names()
    {
        // A review: 34 bodies with trailing junk, counted malformed, took 34 of the 50 places.
        var tools = new McpToolLabels(new McpInstrumentationOptions { MaxTools = 1 });

        var junk = McpMessageReader.ReadCalls(new ReadOnlySequence<byte>("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ghost"}} x"""u8.ToArray()), tools);
        var real = McpMessageReader.ReadCalls(new ReadOnlySequence<byte>("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search"}}"""u8.ToArray()), tools);

        Assert.Equal("malformed", Assert.Single(junk).Method);
        Assert.Equal(new McpCall("tools/call", "search", "2"), Assert.Single(real));
    }

    [Fact]
    public void A_clients_answer_to_a_server_request_is_a_response_matched_with_no_error_of_the_server()
    {
        // A review: a client's answer to sampling/createMessage or roots/list was counted malformed, and in a batch its
        // id (the server's) took the server's error for the client's own request of the same id.
        var single = Read("""{"jsonrpc":"2.0","id":"srv-1","result":{"roots":[]}}"""u8.ToArray());
        var batch = Read("""[{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"no"}},{"jsonrpc":"2.0","id":1,"method":"ping"}]"""u8.ToArray());

        Assert.Equal(new McpCall("response", "", null), Assert.Single(single));
        Assert.Equal([new McpCall("response", "", null), new McpCall("ping", "", "1")], batch);
    }

    [Fact]
    public void A_batch_message_with_an_id_and_no_method_keeps_its_id_for_the_servers_error()
    {
        var calls = Read("""[{"jsonrpc":"2.0","id":20,"method":"ping"},{"jsonrpc":"2.0","id":21}]"""u8.ToArray());

        Assert.Equal([new McpCall("ping", "", "20"), new McpCall("malformed", "", "21")], calls);
    }

    [Fact]
    public void A_tool_result_marked_as_an_error_is_read_as_a_failure_without_a_code_alone_and_in_a_batch()
    {
        var single = McpMessageReader.ReadErrors("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":true}}"""u8);
        var batch = McpMessageReader.ReadErrors("""[{"jsonrpc":"2.0","id":1,"result":{"isError":false}},{"jsonrpc":"2.0","id":2,"result":{"isError":true}},{"jsonrpc":"2.0","id":3,"error":{"code":-32602}}]"""u8);

        Assert.Null(Assert.Single(single!, e => e.Key == "").Value);
        Assert.Equal(2, batch!.Count);
        Assert.Null(batch["2"]);
        Assert.Equal(-32602, batch["3"]);
        Assert.Null(McpMessageReader.ReadErrors("""{"jsonrpc":"2.0","id":1,"result":{"isError":false}}"""u8));
        Assert.Null(McpMessageReader.ReadErrors("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"isError\" :\n true}}"u8)![""]);
    }

    [Fact]
    public void A_response_with_a_byte_order_mark_has_its_error_read()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. """{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"m"}}"""u8];

        Assert.Equal(-32601, Assert.Single(McpMessageReader.ReadErrors(body)!).Value);
    }

    [Theory]
    [InlineData("FF")]
    [InlineData("5C7564633030")]
    public void An_id_that_is_not_unicode_is_kept_as_it_stands(string hex)
    {
        var (before, after) = StringsRead[1];

        var call = Assert.Single(Read(Body(before, Convert.FromHexString(hex), after)));

        Assert.Equal("tools/call", call.Method);
        Assert.Equal("\"" + Encoding.UTF8.GetString(Convert.FromHexString(hex)) + "\"", call.Id);
    }

    [Fact]
    public void Ids_are_read_whole_wherever_the_body_is_split_between_buffer_segments()
    {
        // Kestrel hands a body over in 4 KiB blocks: a batch's id can lie across two of them. Ids are raw JSON text,
        // escapes and all, as the response's ids are matched (JsonElement.GetRawText).
        byte[] body = """[{"jsonrpc":"2.0","id":12345,"method":"ping"},{"jsonrpc":"2.0","id":"a\"b","method":"ping"}]"""u8.ToArray();
        for (int split = 1; split < body.Length; split++)
        {
            var calls = McpMessageReader.ReadCalls(Split(body, split), Tools);

            Assert.Equal(["12345", "\"a\\\"b\""], calls.ConvertAll(c => c.Id));
        }
    }

    private static ReadOnlySequence<byte> Split(byte[] body, int at)
    {
        var first = new Segment(body.AsMemory(0, at), 0);
        var second = new Segment(body.AsMemory(at), at);
        first.SetNext(second);
        return new ReadOnlySequence<byte>(first, 0, second, second.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public void SetNext(Segment next) => Next = next;
    }

    [Fact]
    public void Any_bytes_in_the_strings_it_reads_give_calls_and_never_an_exception()
    {
        Gen.Select(Gen.Int[0, StringsRead.Length - 1], Gen.Byte.Array[0, 12]).Sample(
            (where, value) =>
            {
                var (before, after) = StringsRead[where];
                return Read(Body(before, value, after)).Count == 1;
            },
            iter: 20_000,
            print: t => $"{t.Item1}: {Convert.ToHexString(t.Item2)}");
    }
}
