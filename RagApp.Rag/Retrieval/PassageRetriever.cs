using Microsoft.Extensions.Options;
using RagApp.Rag.Index;

namespace RagApp.Rag.Retrieval;

/// <summary>
/// The retrieval half of a query: checks that the index speaks the question's embedding model, embeds the question,
/// runs the configured search (hybrid by default) and calibrates the scores.
/// </summary>
internal sealed class PassageRetriever(
    IVectorStore store,
    QuestionEmbedder embedder,
    IOptions<RetrievalOptions> options,
    QueryTelemetry telemetry,
    TimeProvider timeProvider)
{
    /// <summary>
    /// The first statistics that named the index's model and dimension: fixed by the first write and never changed
    /// (the store keeps them even when emptied), so one look suffices. A reference, so concurrent queries never see
    /// half of one.
    /// </summary>
    private IndexStatistics? _indexModel;

    public async Task<RetrievalResult> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var generation = await EnsureSameModelAsync(cancellationToken);
        var vector = await embedder.EmbedAsync(query.Question, cancellationToken);
        var hits = await store.SearchAsync(vector, query.Question, query.MaxResults, query.Filter, options.Value.ToSearchOptions(), cancellationToken);
        var scores = ScoreCalibration.Calibrate(hits);
        var passages = new RetrievedPassage[hits.Count];
        for (var i = 0; i < hits.Count; i++)
        {
            passages[i] = new RetrievedPassage(hits[i], scores[i]);
        }

        var elapsed = timeProvider.GetElapsedTime(started);
        telemetry.RecordRetrieval(elapsed);
        return new RetrievalResult(passages, generation, embedder.ModelId, elapsed) { QuestionVector = vector };
    }

    /// <summary>
    /// Refuses when the index was built with another model; returns the generation read before the search, so a
    /// cache keyed on it is invalidated by any write the search might already have seen.
    /// </summary>
    private async Task<long> EnsureSameModelAsync(CancellationToken cancellationToken)
    {
        var index = Volatile.Read(ref _indexModel);
        if (index is null)
        {
            var statistics = await store.GetStatsAsync(cancellationToken);
            if (statistics.EmbeddingModel.Length > 0)
            {
                Volatile.Write(ref _indexModel, index = statistics);
            }
        }

        if (index is not null && (index.EmbeddingModel != embedder.ModelId || index.EmbeddingDimensions != embedder.Dimensions))
        {
            throw new QuestionModelMismatchException(index.EmbeddingModel, index.EmbeddingDimensions, embedder.ModelId, embedder.Dimensions);
        }

        return await store.GetGenerationAsync(cancellationToken);
    }
}
