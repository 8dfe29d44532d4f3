using System.Numerics.Tensors;
using RagApp.Rag.Retrieval;

namespace RagApp.Rag.Answers;

/// <summary>Retrieved passages as the numbered passages an answerer cites: number n is the n-th source returned.</summary>
internal static class AnswerPassages
{
    public static AnswerPassage[] From(RetrievalResult result)
    {
        var passages = new AnswerPassage[result.Passages.Count];
        for (var i = 0; i < passages.Length; i++)
        {
            var hit = result.Passages[i].Hit;
            passages[i] = new AnswerPassage(i + 1, hit.Document.DocumentId, hit.Chunk.ChunkId, hit.Document.Title, hit.Chunk.Text, (float)result.Passages[i].Score)
            {
                Similarity = Similarity(hit, result.QuestionVector),
            };
        }

        return passages;
    }

    // The store's cosine when it computed one; a keyword-only hit has none, and its vector (when the store returned
    // it) gives it; otherwise NaN and the answerer embeds the sentences itself.
    private static float Similarity(Index.Search.ScoredChunk hit, ReadOnlyMemory<float> question)
    {
        if (hit.DenseScore is { } dense)
        {
            return (float)dense;
        }

        var vector = hit.Chunk.Vector;
        return vector.Length == question.Length && !question.IsEmpty
            ? TensorPrimitives.CosineSimilarity(question.Span, vector.Span)
            : float.NaN;
    }
}
