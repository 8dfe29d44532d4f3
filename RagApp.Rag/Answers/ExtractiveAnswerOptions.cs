namespace RagApp.Rag.Answers;

/// <summary>
/// Weights and limits of <see cref="ExtractiveAnswerer"/>. The defaults were tuned on a fixed sample of SQuAD
/// questions and confirmed on a disjoint one (docs/benchmarks.md, "Extractive answers (component)").
/// </summary>
internal sealed record ExtractiveAnswerOptions
{
    /// <summary>Weight of the sentence's MiniLM cosine similarity to the question.</summary>
    public double SemanticWeight { get; init; } = 1.0;

    /// <summary>Weight of the share of the question's content terms (IDF-weighted) found in the sentence or its passage's title.</summary>
    public double LexicalWeight { get; init; } = 0.6;

    /// <summary>
    /// What a question term found only in the passage's title (not in the sentence) counts for, against 1 for one the
    /// sentence holds. A long document's title is on every one of its chunks, so a title match tells little about which
    /// sentence answers: at 1 every sentence of a chunk of "Using Trait Objects..." matched "what is a trait object?"
    /// fully and the chunk's first sentence won. On squad-train-sample any share from 0 to 1 answers within ±0.006.
    /// </summary>
    public double TitleTermShare { get; init; } = 0.2;

    /// <summary>Weight of a value of the asked-for type (a date for "when", a number for "how many") the question does not already hold.</summary>
    public double AnswerTypeWeight { get; init; } = 0.15;

    /// <summary>Weight of the passage's retrieval rank (1 for the first passage, falling as 1/rank).</summary>
    public double RankWeight { get; init; } = 0.1;

    /// <summary>The score at which confidence is 0.5.</summary>
    public double ConfidenceMidpoint { get; init; } = 0.73;

    /// <summary>How steeply confidence rises with the score around the midpoint.</summary>
    public double ConfidenceSteepness { get; init; } = 8;

    /// <summary>Below this confidence the answerer says the documents do not answer the question.</summary>
    public double AbstainBelow { get; init; } = 0.5;

    /// <summary>A second sentence joins the answer when its score is within this margin of the best one's.</summary>
    public double SecondSentenceMargin { get; init; } = 0.05;

    /// <summary>The second sentence joins only while the answer stays within this many words.</summary>
    public int MaxAnswerWords { get; init; } = 40;

    /// <summary>
    /// Embed each sentence and score it by its own similarity to the question, instead of its passage's retrieval
    /// similarity. Costs one model call per sentence (tens of milliseconds per question on a CPU) for no measured
    /// gain in answer quality (docs/benchmarks.md, "Extractive answers").
    /// </summary>
    public bool EmbedSentences { get; init; }

    /// <summary>At most this many sentences are scored, taken in passage order.</summary>
    public int MaxSentences { get; init; } = 200;
}
