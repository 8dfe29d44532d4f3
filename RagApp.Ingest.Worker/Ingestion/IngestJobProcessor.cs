using System.Diagnostics;
using RagApp.Core.Documents;
using RagApp.Core.Grpc.V1;
using RagApp.Core.Queue;
using RagApp.Ingest.Worker.Chunking;
using RagApp.Ingest.Worker.Embedding;
using RagApp.Ingest.Worker.Extraction;
using RagApp.Ingest.Worker.Indexing;
using RagApp.Ingest.Worker.Telemetry;

namespace RagApp.Ingest.Worker.Ingestion;

/// <summary>
/// One job, start to end: extract → chunk → (skip if unchanged) → embed, from cache where possible →
/// replace the document's chunks in the index; or, for a delete, remove the document. Every index write carries the
/// submission's version, so a job overtaken by a newer submission of its document ends <see cref="JobState.Superseded"/>
/// and changes nothing. Idempotent: running it twice leaves the same index.
/// </summary>
internal sealed partial class IngestJobProcessor(
    DocumentExtractor extractor,
    DocumentChunker chunker,
    ChunkEmbedder embedder,
    IndexWriter index,
    ILogger<IngestJobProcessor> logger)
{
    public async Task<JobResult> ProcessAsync(LeasedJob lease, CancellationToken cancellationToken)
    {
        var job = lease.Job;
        if (job.Kind == JobKind.Delete)
        {
            return await DeleteAsync(job, cancellationToken);
        }

        if (!DocumentFormats.TryFromContentType(job.ContentType, out var format))
        {
            throw new DocumentRejectedException($"The content type '{job.ContentType}' is not supported.");
        }

        ExtractedDocument extracted;
        using (StartStep("ingest.extract"))
        {
            extracted = extractor.Extract(format, lease.Payload, cancellationToken);
        }

        IReadOnlyList<DocumentChunk> chunks;
        using (var activity = StartStep("ingest.chunk"))
        {
            chunks = chunker.Chunk(extracted, cancellationToken);
            activity?.SetTag("ragapp.chunk.count", chunks.Count);
        }

        var title = job.Title ?? extracted.Title ?? job.SourceName ?? job.DocumentId;
        var header = new DocumentHeader
        {
            DocumentId = job.DocumentId,
            Title = title,
            SourceName = job.SourceName ?? "",
            ContentType = job.ContentType,
            ContentHash = ContentHash.Of(extracted.Text),
            EmbeddingModel = embedder.ModelId,
            EmbeddingDimensions = embedder.Dimensions,
            ChunkCount = chunks.Count,
            Version = job.DocumentVersion,
        };
        foreach (var (key, value) in job.Metadata)
        {
            header.Metadata[key] = value;
        }

        if (await index.FindAsync(job.DocumentId, cancellationToken) is { } existing)
        {
            if (existing.Version > job.DocumentVersion)
            {
                LogSuperseded(logger, job.JobId, job.DocumentId, job.DocumentVersion, existing.Version);
                return new JobResult(JobState.Superseded, 0);
            }

            if (IsUnchanged(existing, header))
            {
                if (existing.Version == job.DocumentVersion && job.DocumentVersion != 0)
                {
                    // An earlier attempt of this very job wrote it, then could not report back (a crash, a lost reply).
                    LogAlreadyIndexed(logger, job.JobId, job.DocumentId, job.DocumentVersion);
                    return new JobResult(JobState.Succeeded, existing.ChunkCount);
                }

                var kept = await index.KeepChunksAsync(header, cancellationToken);
                switch (kept.Outcome)
                {
                    case IndexWriteOutcome.Written:
                        LogUnchanged(logger, job.JobId, job.DocumentId);
                        return new JobResult(JobState.Unchanged, existing.ChunkCount);
                    case IndexWriteOutcome.Superseded:
                        LogSuperseded(logger, job.JobId, job.DocumentId, job.DocumentVersion, kept.CurrentVersion);
                        return new JobResult(JobState.Superseded, 0);
                }

                // The content changed or went away between the lookup and the write: index it in full.
            }
        }

        ChunkEmbeddings embeddings;
        using (var activity = StartStep("ingest.embed"))
        {
            // "title. text" retrieves slightly better than the text alone (measured on cranfield).
            embeddings = await embedder.EmbedAsync([.. chunks.Select(chunk => $"{title}. {chunk.Text}")], cancellationToken);
            activity?.SetTag("ragapp.chunks.embedded", embeddings.Embedded);
            activity?.SetTag("ragapp.chunks.cached", embeddings.FromCache);
        }

        using (StartStep("ingest.index"))
        {
            var records = new ChunkRecord[chunks.Count];
            for (var i = 0; i < chunks.Count; i++)
            {
                var chunk = chunks[i];
                var record = new ChunkRecord
                {
                    ChunkId = ChunkIds.Create(job.DocumentId, chunk.Ordinal),
                    Ordinal = chunk.Ordinal,
                    Text = chunk.Text,
                    Page = chunk.Page,
                    StartOffset = chunk.Start,
                    EndOffset = chunk.End,
                    Section = chunk.Section ?? "",
                    ContentHash = ContentHash.Of(chunk.Text),
                };
                record.Vector.AddRange(embeddings.Vectors[i].ToArray());
                records[i] = record;
            }

            var written = await index.ReplaceAsync(header, records, cancellationToken);
            if (written.Outcome == IndexWriteOutcome.Superseded)
            {
                LogSuperseded(logger, job.JobId, job.DocumentId, job.DocumentVersion, written.CurrentVersion);
                return new JobResult(JobState.Superseded, 0, embeddings.Embedded, embeddings.FromCache);
            }
        }

        LogIndexed(logger, job.JobId, job.DocumentId, chunks.Count, embeddings.Embedded, embeddings.FromCache);
        return new JobResult(JobState.Succeeded, chunks.Count, embeddings.Embedded, embeddings.FromCache);
    }

    private async Task<JobResult> DeleteAsync(IngestJob job, CancellationToken cancellationToken)
    {
        using var activity = StartStep("ingest.delete");
        var deleted = await index.DeleteAsync(job.DocumentId, job.DocumentVersion, cancellationToken);
        if (deleted.Outcome == IndexWriteOutcome.Superseded)
        {
            LogSuperseded(logger, job.JobId, job.DocumentId, job.DocumentVersion, deleted.CurrentVersion);
            return new JobResult(JobState.Superseded, 0);
        }

        LogDeleted(logger, job.JobId, job.DocumentId, job.DocumentVersion);
        return new JobResult(JobState.Succeeded, 0);
    }

    /// <summary>Same text, same description, same model and chunking: nothing to re-embed or rewrite.</summary>
    private static bool IsUnchanged(DocumentInfo existing, DocumentHeader header) =>
        existing.ContentHash == header.ContentHash
        && existing.ChunkCount == header.ChunkCount
        && existing.Title == header.Title
        && existing.SourceName == header.SourceName
        && existing.ContentType == header.ContentType
        && existing.EmbeddingModel == header.EmbeddingModel
        && existing.Metadata.Count == header.Metadata.Count
        && existing.Metadata.All(pair => header.Metadata.TryGetValue(pair.Key, out var value) && value == pair.Value);

    private static Activity? StartStep(string name) => IngestTelemetry.ActivitySource.StartActivity(name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: document {DocumentId} is unchanged")]
    private static partial void LogUnchanged(ILogger logger, string jobId, string documentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: document {DocumentId} version {Version} is superseded by version {CurrentVersion} in the index; nothing written")]
    private static partial void LogSuperseded(ILogger logger, string jobId, string documentId, long version, long currentVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: document {DocumentId} version {Version} was already indexed by an earlier attempt")]
    private static partial void LogAlreadyIndexed(ILogger logger, string jobId, string documentId, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: deleted document {DocumentId} at version {Version}")]
    private static partial void LogDeleted(ILogger logger, string jobId, string documentId, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: indexed document {DocumentId} as {ChunkCount} chunks ({Embedded} embedded, {Cached} from cache)")]
    private static partial void LogIndexed(ILogger logger, string jobId, string documentId, int chunkCount, int embedded, int cached);
}
