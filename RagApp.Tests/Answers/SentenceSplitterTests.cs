using RagApp.Rag.Answers;

namespace RagApp.Tests.Answers;

public sealed class SentenceSplitterTests
{
    [Theory]
    [InlineData("It rained. Then it stopped.", new[] { "It rained.", "Then it stopped." })]
    [InlineData("Dr. Smith met Mr. Jones in the U.S. capital. They talked.", new[] { "Dr. Smith met Mr. Jones in the U.S. capital.", "They talked." })]
    [InlineData("J. R. R. Tolkien wrote it. Was it good? \"Yes!\" She said so.", new[] { "J. R. R. Tolkien wrote it.", "Was it good?", "\"Yes!\"", "She said so." })]
    [InlineData("Version 2.5 shipped in 1999. Sales rose (by 3.4 percent).", new[] { "Version 2.5 shipped in 1999.", "Sales rose (by 3.4 percent)." })]
    [InlineData("The sample was 5 m. long, e.g. a rod. no capital follows here", new[] { "The sample was 5 m. long, e.g. a rod. no capital follows here" })]
    [InlineData("  ", new string[0])]
    public void Split_KeepsAbbreviationsAndInitialsInsideSentences(string text, string[] expected) =>
        Assert.Equal(expected, SentenceSplitter.Split(text));
}
