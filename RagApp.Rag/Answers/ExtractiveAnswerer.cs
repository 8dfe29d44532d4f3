using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using RagApp.Core.Documents;
using RagApp.Rag.Retrieval;

namespace RagApp.Rag.Answers;

/// <summary>
/// Answers with the retrieved passages' own sentences: each sentence is scored by its MiniLM similarity to the
/// question, the IDF-weighted share of the question's terms it (or its passage's title) holds, whether it holds a
/// value of the type asked for ("when" wants a date), and its passage's rank. The best sentence, and a second one
/// if it scores nearly as well, make the answer, each followed by its passage's citation marker. When even the best
/// sentence scores low the passages do not answer the question, and the answerer says so rather than string
/// unrelated sentences together. By default a sentence's semantic score is its passage's retrieval similarity
/// (<see cref="AnswerPassage.Similarity"/>), so answering needs no model call beyond the question's embedding;
/// <see cref="ExtractiveAnswerOptions.EmbedSentences"/> embeds each sentence instead.
/// </summary>
internal sealed class ExtractiveAnswerer(IEmbeddingGenerator<string, Embedding<float>> embeddingGenerator, ExtractiveAnswerOptions? options = null) : IAnswerer
{
    public const string AbstentionText = "The indexed documents do not answer this question.";

    private readonly ExtractiveAnswerOptions _options = options ?? new ExtractiveAnswerOptions();

    public string Name => Answerers.Extractive;

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AnswerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The answer is composed at once (no model writes it); it is streamed sentence by sentence so that a client
        // reads the same event sequence whichever answerer runs.
        var answer = await AnswerAsync(request, cancellationToken).ConfigureAwait(false);
        var start = 0;
        foreach (var end in SentenceEnds(answer.Text))
        {
            yield return AnswerUpdate.Text(answer.Text[start..end]);
            start = end;
        }

        yield return AnswerUpdate.Completed(answer);
    }

    public async Task<ComposedAnswer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (question, questionVector, passages) = (request.Question, request.QuestionVector, request.Passages);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(passages);
        cancellationToken.ThrowIfCancellationRequested();
        var candidates = SplitIntoCandidates(passages);
        if (candidates.Count == 0 || string.IsNullOrWhiteSpace(question))
        {
            return Abstain(0);
        }

        var semantics = new double[candidates.Count];
        if (!_options.EmbedSentences && candidates.All(candidate => !float.IsNaN(candidate.Passage.Similarity)))
        {
            for (var i = 0; i < candidates.Count; i++)
            {
                semantics[i] = candidates[i].Passage.Similarity;
            }
        }
        else
        {
            if (questionVector.IsEmpty)
            {
                questionVector = (await embeddingGenerator.GenerateAsync([question], cancellationToken: cancellationToken).ConfigureAwait(false))[0].Vector;
            }

            var embeddings = await embeddingGenerator.GenerateAsync(candidates.Select(candidate => candidate.Text), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < candidates.Count; i++)
            {
                semantics[i] = TensorPrimitives.CosineSimilarity(questionVector.Span, embeddings[i].Vector.Span);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();

        var questionTerms = AnswerTerms.Of(question);
        var termWeights = WeightTerms(questionTerms, candidates);
        var totalWeight = termWeights.Values.Sum();
        var answerType = AnswerTypeCues.Classify(question);
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var semantic = semantics[i];
            var matched = termWeights.Sum(term =>
                candidate.Terms.Contains(term.Key) ? term.Value
                : candidate.TitleTerms.Contains(term.Key) ? _options.TitleTermShare * term.Value
                : 0);
            var lexical = totalWeight > 0 ? matched / totalWeight : 0;
            var typed = answerType != AnswerType.Unknown && AnswerTypeCues.HasNewValue(answerType, candidate.Text, question) ? 1.0 : 0.0;
            candidate.Score = (_options.SemanticWeight * semantic) + (_options.LexicalWeight * lexical)
                + (_options.AnswerTypeWeight * typed) + (_options.RankWeight / candidate.Rank);
        }

        var ranked = candidates.OrderByDescending(candidate => candidate.Score).ToList();
        var best = ranked[0];
        var confidence = Confidence(best.Score);
        if (confidence < _options.AbstainBelow)
        {
            return Abstain(confidence);
        }

        var chosen = new List<Candidate> { best };
        var words = WordCount(best.Text);
        // Overlapping chunks of one document hold the same sentence: a second sentence must say something else.
        var second = ranked.Skip(1).FirstOrDefault(candidate => !string.Equals(candidate.Text, best.Text, StringComparison.OrdinalIgnoreCase));
        if (second is not null && best.Score - second.Score <= _options.SecondSentenceMargin
            && words + WordCount(second.Text) <= _options.MaxAnswerWords)
        {
            chosen.Add(second);
        }

        var text = new StringBuilder();
        foreach (var sentence in chosen)
        {
            text.Append(text.Length > 0 ? " " : "")
                .Append(sentence.Text)
                .Append(CultureInfo.InvariantCulture, $" [{sentence.Passage.Number}]");
        }

        return new ComposedAnswer(text.ToString(), [.. chosen.Select(sentence => sentence.Passage.Number).Distinct()], confidence, Abstained: false);
    }

    // Ends of the answer's sentences, each including its citation marker and the space after it.
    private static IEnumerable<int> SentenceEnds(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == ']' && (i + 1 == text.Length || text[i + 1] == ' '))
            {
                yield return Math.Min(i + 2, text.Length);
            }
        }

        if (text.Length > 0 && !text.EndsWith(']'))
        {
            yield return text.Length;
        }
    }

    // The passages' prose sentences, list items and table rows (PassageSegments: no code, no headings). Only when the
    // passages hold nothing else are their whole texts split, so that a corpus of code still gets an answer.
    private List<Candidate> SplitIntoCandidates(IReadOnlyList<AnswerPassage> passages)
    {
        var candidates = SplitIntoCandidates(passages, passage => PassageSegments.Split(passage.Text).SelectMany(SentenceSplitter.Split));
        return candidates.Count > 0
            ? candidates
            : SplitIntoCandidates(passages, passage => SentenceSplitter.Split(passage.Text).Select(TextWhiteSpace.Collapse));
    }

    private List<Candidate> SplitIntoCandidates(IReadOnlyList<AnswerPassage> passages, Func<AnswerPassage, IEnumerable<string>> sentencesOf)
    {
        var candidates = new List<Candidate>();
        for (var rank = 0; rank < passages.Count && candidates.Count < _options.MaxSentences; rank++)
        {
            var passage = passages[rank];
            var titleTerms = passage.Title is null ? [] : AnswerTerms.Of(passage.Title);
            foreach (var sentence in sentencesOf(passage).Take(_options.MaxSentences - candidates.Count))
            {
                candidates.Add(new Candidate(passage, rank + 1, sentence, AnswerTerms.Of(sentence), titleTerms));
            }
        }

        return candidates;
    }

    // A question term found in few of the sentences tells more than one found in most; a term found in none of them
    // weighs most of all, so that a question about something the passages never mention scores low everywhere.
    private static Dictionary<string, double> WeightTerms(HashSet<string> questionTerms, List<Candidate> candidates)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var term in questionTerms)
        {
            var frequency = candidates.Count(candidate => candidate.Terms.Contains(term) || candidate.TitleTerms.Contains(term));
            weights[term] = Math.Log(1 + ((candidates.Count + 1.0) / (frequency + 1.0)));
        }

        return weights;
    }

    private float Confidence(double score) =>
        (float)(1 / (1 + Math.Exp(-_options.ConfidenceSteepness * (score - _options.ConfidenceMidpoint))));

    private static ComposedAnswer Abstain(float confidence) => new(AbstentionText, [], confidence, Abstained: true);

    private static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private sealed class Candidate(AnswerPassage passage, int rank, string text, HashSet<string> terms, HashSet<string> titleTerms)
    {
        public AnswerPassage Passage { get; } = passage;

        public int Rank { get; } = rank;

        public string Text { get; } = text;

        public HashSet<string> Terms { get; } = terms;

        public HashSet<string> TitleTerms { get; } = titleTerms;

        public double Score { get; set; }
    }
}
