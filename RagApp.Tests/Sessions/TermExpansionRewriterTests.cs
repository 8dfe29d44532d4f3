using RagApp.Rag.Answers;
using RagApp.Rag.Sessions;

namespace RagApp.Tests.Sessions;

/// <summary>Follow-ups get the previous turn's salient terms; self-contained questions and first questions stay as asked.</summary>
public sealed class TermExpansionRewriterTests
{
    private const int Timeout = 10_000;

    private static readonly TermExpansionRewriter Rewriter = new();

    private static readonly ConversationTurn AnnArbor = new(
        "When was Ann Arbor founded?", "When was Ann Arbor founded?",
        "Ann Arbor was founded in 1824 by land speculators John Allen and Elisha Rumsey. [1]");

    private static readonly ConversationTurn Volcanoes = new(
        "how do volcanoes erupt?", "how do volcanoes erupt?",
        "A volcano erupts when molten rock called magma rises through cracks in the Earth's crust. [1]");

    [Theory(Timeout = Timeout)]
    [InlineData("and what university moved there?", "and what university moved there? Ann Arbor")]
    [InlineData("Which university moved there?", "Which university moved there? Ann Arbor")]
    [InlineData("When was it built?", "When was it built? Ann Arbor")]
    [InlineData("What is its population?", "What is its population? Ann Arbor")]
    [InlineData("How many people live there?", "How many people live there? Ann Arbor")]
    [InlineData("Who were they?", "Who were they? Ann Arbor")]
    [InlineData("Population?", "Population? Ann Arbor")]
    [InlineData("What about Ypsilanti?", "What about Ypsilanti? founded")]
    [InlineData("and in Detroit?", "and in Detroit? founded")]
    public async Task FollowUp_GetsThePreviousTurnsSalientTerms(string question, string expected)
    {
        var rewritten = await Rewriter.RewriteAsync(question, [AnnArbor], TestContext.Current.CancellationToken);

        Assert.Equal(expected, rewritten);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("When was Ypsilanti founded?")]
    [InlineData("Which university moved from Detroit to Ann Arbor in 1837?")]
    [InlineData("What gas do leaves release that plants use to make glucose?")]
    [InlineData("Is there a volcano in Michigan?")]
    [InlineData("What makes sourdough dough rise without commercial yeast?")]
    public async Task SelfContainedQuestion_IsReturnedAsAsked(string question)
    {
        var rewritten = await Rewriter.RewriteAsync(question, [AnnArbor], TestContext.Current.CancellationToken);

        Assert.Equal(question, rewritten);
    }

    [Fact(Timeout = Timeout)]
    public async Task FirstQuestion_WithoutHistory_IsReturnedAsAsked()
    {
        var rewritten = await Rewriter.RewriteAsync("and what university moved there?", [], TestContext.Current.CancellationToken);

        Assert.Equal("and what university moved there?", rewritten);
    }

    [Fact(Timeout = Timeout)]
    public async Task PreviousQuestionWithoutNames_LendsItsContentTerms()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.Equal("and why do they explode? volcanoes erupt", await Rewriter.RewriteAsync("and why do they explode?", [Volcanoes], cancellationToken));
    }

    [Fact(Timeout = Timeout)]
    public async Task TermsTheFollowUpAlreadyHas_AreNotRepeated()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // "arbor" is in the question already; only "Ann" is missing.
        Assert.Equal("and what is in arbor's centre? Ann", await Rewriter.RewriteAsync("and what is in arbor's centre?", [AnnArbor], cancellationToken));
        // Everything the previous question could lend is there: nothing to add.
        Assert.Equal("And when was Ann Arbor founded?", await Rewriter.RewriteAsync("And when was Ann Arbor founded?", [AnnArbor], cancellationToken));
    }

    [Fact(Timeout = Timeout)]
    public async Task ChainOfFollowUps_KeepsTheSubject_FromTheLastRetrievalQuestion()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var first = AnnArbor;
        var secondRetrieval = await Rewriter.RewriteAsync("and what university moved there?", [first], cancellationToken);
        var second = new ConversationTurn("and what university moved there?", secondRetrieval, "The University of Michigan moved from Detroit to Ann Arbor in 1837. [1]");

        var third = await Rewriter.RewriteAsync("when did it happen?", [first, second], cancellationToken);

        Assert.Equal("when did it happen? Ann Arbor", third);
    }

    [Fact(Timeout = Timeout)]
    public async Task OnlyTheLastTurnLends()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var rewritten = await Rewriter.RewriteAsync("and why do they explode?", [AnnArbor, Volcanoes], cancellationToken);

        Assert.Equal("and why do they explode? volcanoes erupt", rewritten);
    }

    [Fact(Timeout = Timeout)]
    public async Task PreviousQuestionWithNothingToLend_FallsBackToTheNamesInItsAnswer()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var vague = new ConversationTurn("What is it?", "What is it?", "Krakatoa is a volcano in Indonesia that erupted in 1883. [1]");

        Assert.Equal("When did it erupt? Krakatoa Indonesia", await Rewriter.RewriteAsync("When did it erupt?", [vague], cancellationToken));
    }

    [Fact(Timeout = Timeout)]
    public async Task AtMostMaxAddedWords_AreAdded()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var many = new ConversationTurn(
            "Did Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa meet?", "Did Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa meet?", "");

        var rewritten = await Rewriter.RewriteAsync("and where?", [many], cancellationToken);

        Assert.Equal("and where? Alpha Beta Gamma Delta Epsilon Zeta Eta Theta", rewritten);
        Assert.Equal(TermExpansionRewriter.MaxAddedWords, rewritten.Split(' ').Length - 2);
    }
}
