using MetricCollector.Recording.Validation;

namespace MetricCollector.Tests.Recording;

public sealed class PatternMatcherTests
{
    /// <summary>
    /// A review sent label names of a million characters: each record was refused, and each name was remembered for
    /// ever (2 MB a request, up to 20 GB at the memo's limit of 10,000 texts).
    /// </summary>
    [Fact]
    public void Texts_longer_than_any_name_are_matched_but_not_remembered()
    {
        var matcher = new PatternMatcher("^[a-zA-Z_][a-zA-Z0-9_]*$");
        string huge = "a" + new string('b', 1_000_000);
        string longest = new('n', PatternMatcher.MaxRememberedLength);

        Assert.True(matcher.IsMatch(huge));
        Assert.False(matcher.IsMatch(huge + "-"));
        Assert.True(matcher.IsMatch("pool_name"));
        Assert.True(matcher.IsMatch("pool_name"));
        Assert.True(matcher.IsMatch(longest));

        Assert.Equal(2, matcher.Remembered);
    }
}
