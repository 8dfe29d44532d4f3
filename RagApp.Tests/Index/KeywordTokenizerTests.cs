using RagApp.Rag.Index.Keywords;

namespace RagApp.Tests.Index;

public sealed class KeywordTokenizerTests
{
    [Fact]
    public void Tokenize_LowerCases_SplitsOnNonAlphanumerics_AndDropsStopWords()
    {
        var tokens = KeywordTokenizer.Tokenize("The Mach-2 shock wave, and THE boundary_layer (in 1958)!");

        Assert.Equal(["mach", "2", "shock", "wave", "boundary", "layer", "1958"], tokens);
    }

    [Fact]
    public void Tokenize_KeepsNonAsciiLetters()
    {
        Assert.Equal(["über", "strasse", "straße", "naïve", "東京"], KeywordTokenizer.Tokenize("Über STRASSE? no: Straße; naïve 東京"));
    }

    [Fact]
    public void CountTerms_CountsRepeats_AndLengthExcludesStopWords()
    {
        var (frequencies, length) = KeywordTokenizer.CountTerms("flow of the flow, and heat flow");

        Assert.Equal(4, length);
        Assert.Equal(3, frequencies["flow"]);
        Assert.Equal(1, frequencies["heat"]);
        Assert.False(frequencies.ContainsKey("the"));
    }

    [Fact]
    public void DistinctTerms_KeepsFirstSeenOrder()
    {
        Assert.Equal(["heat", "flow"], KeywordTokenizer.DistinctTerms("heat flow heat FLOW"));
        Assert.Empty(KeywordTokenizer.DistinctTerms("   "));
        Assert.Empty(KeywordTokenizer.DistinctTerms("the and of"));
    }

    [Fact]
    public void OverlongTerms_AreCut_ToTheMaximumLength()
    {
        var term = Assert.Single(KeywordTokenizer.Tokenize("x" + new string('A', 300) + "!"));

        Assert.Equal(TokenReader.MaxTermLength, term.Length);
        Assert.Equal("x" + new string('a', TokenReader.MaxTermLength - 1), term);
    }

    [Fact]
    public void EnglishStemming_MakesOneTermOfAWordsForms()
    {
        var tokens = KeywordTokenizer.Tokenize("Flows flowing flowed flow; the heated wings", KeywordStemming.English);

        Assert.Equal(["flow", "flow", "flow", "flow", "heat", "wing"], tokens);
        Assert.Equal(["flows", "flowing"], KeywordTokenizer.Tokenize("flows flowing"));
    }

    [Fact]
    public void EnglishStemming_DropsStopWordsAsWritten_AndLeavesNumbersAndOtherScripts()
    {
        // "this" and "was" are stop words before they could become "thi" and "wa".
        Assert.Equal(["1958", "東京", "strass"], KeywordTokenizer.Tokenize("this was 1958 東京 strasse", KeywordStemming.English));
    }

    [Fact]
    public void EnglishStemming_GivesTheSameStem_WhenRememberedAndWhenComputed()
    {
        // The second read comes from the stemmer's memory of word forms; both must agree with the first.
        var first = KeywordTokenizer.Tokenize("aerodynamically boundaries", KeywordStemming.English);
        var second = KeywordTokenizer.Tokenize("aerodynamically boundaries", KeywordStemming.English);

        Assert.Equal(["aerodynam", "boundari"], first);
        Assert.Equal(first, second);
        Assert.Equal(["boundari"], KeywordTokenizer.DistinctTerms("Boundary boundaries", KeywordStemming.English));
    }

    [Fact]
    public void AQuestionsWordForms_AreStemmedButNotRemembered_AnIndexedTextsAre()
    {
        // Made-up words, so no other test can have remembered them.
        var question = "zorblaxing " + Guid.NewGuid().ToString("N")[..8] + "quuxes";
        var text = "flimwizzling " + Guid.NewGuid().ToString("N")[..8] + "snorfs";

        Assert.Equal(2, KeywordTokenizer.DistinctTerms(question, KeywordStemming.English).Count);
        Assert.False(TermStemmer.Remembers("zorblaxing"));
        Assert.False(TermStemmer.Remembers(question.Split(' ')[1]));

        KeywordTokenizer.CountTerms(text, KeywordStemming.English);
        Assert.True(TermStemmer.Remembers("flimwizzling"));
        Assert.True(TermStemmer.Remembers(text.Split(' ')[1]));
    }
}
