using MetricCollector.Recording;

namespace MetricCollector.Tests.Recording;

public sealed class EchoTests
{
    [Theory]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("a\r\tb", @"a\r\tb")]
    [InlineData("\u001b[31mred", @"\u001b[31mred")]
    [InlineData("\0", @"\u0000")]
    [InlineData("del\u007f", @"del\u007f")]
    [InlineData("c1\u0080\u009b\u009f", @"c1\u0080\u009b\u009f")]
    [InlineData("ls\u2028ps\u2029", @"ls\u2028ps\u2029")]
    [InlineData("kept: \u00a0é\u200b\\n", "kept: \u00a0é\u200b\\n")]
    public void Control_characters_are_echoed_as_visible_escapes(string text, string echoed)
    {
        Assert.Equal(echoed, Echo.Of(text));
        Assert.Equal("/labels/" + echoed, Echo.Pointer("/labels/" + text));
    }

    [Fact]
    public void Text_without_control_characters_is_echoed_as_the_same_string()
    {
        const string text = "job_seconds 'é' ✓";

        Assert.Same(text, Echo.Of(text));
        Assert.Same(text, Echo.Pointer(text));
    }

    [Fact]
    public void Long_text_is_cut_before_it_is_escaped_and_marked_with_its_own_length()
    {
        string text = new string('\n', 200);

        string echoed = Echo.Of(text);

        Assert.Equal(string.Concat(Enumerable.Repeat(@"\n", Echo.MaxLength)) + "…(200 characters)", echoed);
    }

    [Fact]
    public void Escaping_twice_changes_nothing_more()
    {
        string once = Echo.Of("a\nb\u001b");

        Assert.Equal(once, Echo.Of(once));
    }
}
