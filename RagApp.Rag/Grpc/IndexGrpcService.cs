using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Generation;
using RagApp.Rag.Index.Grpc;

namespace RagApp.Rag.Grpc;

/// <summary>
/// The index's gRPC face, used by the ingest worker: upsert (a streamed document, committed atomically when the
/// stream ends), delete, and reads. Refusals map to status codes: a malformed request is InvalidArgument naming
/// the field, vectors of another embedding model FailedPrecondition, an unknown document NotFound.
/// </summary>
internal sealed partial class IndexGrpcService(
    IVectorStore store,
    IOptions<VectorStoreOptions> options,
    IndexTelemetry telemetry,
    IIndexGenerationPublisher generations,
    TimeProvider timeProvider,
    ILogger<IndexGrpcService> logger) : IndexService.IndexServiceBase
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    public override async Task<UpsertDocumentResponse> UpsertDocument(IAsyncStreamReader<UpsertDocumentPart> requestStream, ServerCallContext context)
    {
        using var activity = IndexTelemetry.ActivitySource.StartActivity("index upsert_document");
        var cancellationToken = context.CancellationToken;
        try
        {
            var assembler = new UpsertDocumentAssembler(options.Value);
            // A stream that breaks off throws here, before anything was handed to the store: it commits nothing.
            await foreach (var part in requestStream.ReadAllAsync(cancellationToken))
            {
                assembler.Add(part);
            }

            var (document, chunks) = assembler.Complete(timeProvider.GetUtcNow());
            activity?.SetTag("ragapp.document_id", document.DocumentId);
            activity?.SetTag("ragapp.chunk_count", chunks.Count);
            activity?.SetTag("ragapp.document_version", document.Version);
            var started = timeProvider.GetTimestamp();
            var result = await store.ReplaceDocumentAsync(document, chunks, cancellationToken);
            var elapsed = timeProvider.GetElapsedTime(started);
            activity?.SetTag("ragapp.index.generation", result.Generation);
            if (result.Superseded)
            {
                activity?.SetTag("ragapp.superseded", true);
                LogWriteSuperseded(document.DocumentId, document.Version, result.CurrentVersion);
                return new UpsertDocumentResponse { Generation = result.Generation, Superseded = true, CurrentVersion = result.CurrentVersion };
            }

            // Before the acknowledgement: the next question after it sees the new generation (never throws).
            await generations.PublishAsync(result.Generation, CancellationToken.None);
            telemetry.RecordUpsert(chunks.Count, elapsed);
            telemetry.Observe(await store.GetStatsAsync(cancellationToken));
            LogDocumentUpserted(document.DocumentId, chunks.Count, result.Generation, elapsed.TotalMilliseconds);
            return new UpsertDocumentResponse { ChunkCount = chunks.Count, Generation = result.Generation, CurrentVersion = result.CurrentVersion };
        }
        catch (Exception exception) when (ToRpcException(exception, activity) is { } rpcException)
        {
            throw rpcException;
        }
    }

    public override async Task<UpsertDocumentsResponse> UpsertDocuments(UpsertDocumentsRequest request, ServerCallContext context)
    {
        using var activity = IndexTelemetry.ActivitySource.StartActivity("index upsert_documents");
        activity?.SetTag("ragapp.document_count", request.Documents.Count);
        var cancellationToken = context.CancellationToken;
        var indexedAt = timeProvider.GetUtcNow();
        var response = new UpsertDocumentsResponse();
        var replacements = new List<DocumentReplacement>(request.Documents.Count);
        var positions = new List<int>(request.Documents.Count);
        foreach (var upsert in request.Documents)
        {
            var result = new DocumentUpsertResult { DocumentId = upsert.Header?.DocumentId ?? "" };
            response.Results.Add(result);
            try
            {
                // The same checks as a streamed upsert of this one document.
                var assembler = new UpsertDocumentAssembler(options.Value, upsert.KeepChunks);
                assembler.Add(new UpsertDocumentPart { Header = upsert.Header ?? new DocumentHeader() });
                if (upsert.Chunks.Count > 0)
                {
                    assembler.Add(new UpsertDocumentPart { Chunks = new ChunkBatch { Chunks = { upsert.Chunks } } });
                }

                var (document, chunks) = assembler.Complete(indexedAt);
                replacements.Add(new DocumentReplacement(document, chunks, upsert.KeepChunks));
                positions.Add(response.Results.Count - 1);
            }
            catch (InvalidIndexRequestException refusal)
            {
                Refuse(result, refusal);
            }
        }

        var started = timeProvider.GetTimestamp();
        var outcomes = await store.ReplaceDocumentsAsync(replacements, cancellationToken);
        var elapsed = timeProvider.GetElapsedTime(started);
        var chunkCount = 0;
        var refused = response.Results.Count - replacements.Count;
        for (var i = 0; i < outcomes.Count; i++)
        {
            var result = response.Results[positions[i]];
            if (outcomes[i].Refusal is { } refusal)
            {
                Refuse(result, refusal);
                refused++;
                continue;
            }

            result.Generation = outcomes[i].Generation;
            result.CurrentVersion = outcomes[i].CurrentVersion;
            result.Superseded = outcomes[i].Superseded;
            result.ChunksMissing = outcomes[i].ChunksMissing;
            if (outcomes[i].Superseded)
            {
                LogWriteSuperseded(result.DocumentId, replacements[i].Document.Version, outcomes[i].CurrentVersion);
                continue;
            }

            if (outcomes[i].ChunksMissing)
            {
                continue;
            }

            result.ChunkCount = replacements[i].KeepChunks ? replacements[i].Document.ChunkCount : replacements[i].Chunks.Count;
            chunkCount += replacements[i].Chunks.Count;
        }

        if (outcomes.Count > 0)
        {
            await generations.PublishAsync(outcomes.Max(outcome => outcome.Generation), CancellationToken.None);
        }

        telemetry.RecordUpsert(chunkCount, elapsed);
        telemetry.Observe(await store.GetStatsAsync(cancellationToken));
        LogDocumentsUpserted(request.Documents.Count, refused, chunkCount, elapsed.TotalMilliseconds);
        return response;
    }

    public override async Task<GetDocumentsResponse> GetDocuments(GetDocumentsRequest request, ServerCallContext context)
    {
        var response = new GetDocumentsResponse();
        foreach (var documentId in request.DocumentIds)
        {
            if (!string.IsNullOrWhiteSpace(documentId) && await store.GetDocumentAsync(documentId, context.CancellationToken) is { } document)
            {
                response.Documents.Add(IndexProtoMapper.ToDocumentInfo(document));
            }
        }

        return response;
    }

    /// <summary>Answers one document of a batch with the status a single-document upsert would have failed with.</summary>
    private void Refuse(DocumentUpsertResult result, Exception refusal)
    {
        // The store's own argument checks (ChunkListValidator) count as a bad request here, as the assembler's do.
        var code = RefusalStatus(refusal)?.StatusCode
            ?? (refusal is ArgumentException ? StatusCode.InvalidArgument : StatusCode.Internal);
        result.StatusCode = (int)code;
        result.StatusDetail = refusal.Message;
        LogRequestRefused(code, $"document '{result.DocumentId}': {refusal.Message}");
    }

    public override async Task<DeleteDocumentResponse> DeleteDocument(DeleteDocumentRequest request, ServerCallContext context)
    {
        using var activity = IndexTelemetry.ActivitySource.StartActivity("index delete_document");
        activity?.SetTag("ragapp.document_id", request.DocumentId);
        try
        {
            RequireDocumentId(request.DocumentId);
            if (request.Version < 0)
            {
                throw new InvalidIndexRequestException("version", $"must be 0 (unversioned) or more, got {request.Version}");
            }

            activity?.SetTag("ragapp.document_version", request.Version);
            var deletion = await store.DeleteDocumentAsync(request.DocumentId, request.Version, context.CancellationToken);
            // Before the acknowledgement, as for an upsert; an unchanged generation publishes nothing.
            await generations.PublishAsync(deletion.Generation, CancellationToken.None);
            if (deletion.Superseded)
            {
                LogWriteSuperseded(request.DocumentId, request.Version, deletion.CurrentVersion);
            }
            else if (deletion.Deleted)
            {
                telemetry.RecordDelete();
                telemetry.Observe(await store.GetStatsAsync(context.CancellationToken));
                LogDocumentDeleted(request.DocumentId, deletion.ChunksRemoved, deletion.Generation);
            }

            return new DeleteDocumentResponse
            {
                Deleted = deletion.Deleted,
                ChunksRemoved = deletion.ChunksRemoved,
                Generation = deletion.Generation,
                Superseded = deletion.Superseded,
                CurrentVersion = deletion.CurrentVersion,
            };
        }
        catch (Exception exception) when (ToRpcException(exception, activity) is { } rpcException)
        {
            throw rpcException;
        }
    }

    public override async Task<DocumentInfo> GetDocument(GetDocumentRequest request, ServerCallContext context)
    {
        try
        {
            RequireDocumentId(request.DocumentId);
            var document = await store.GetDocumentAsync(request.DocumentId, context.CancellationToken)
                ?? throw DocumentNotFound(request.DocumentId);
            return IndexProtoMapper.ToDocumentInfo(document);
        }
        catch (Exception exception) when (ToRpcException(exception, null) is { } rpcException)
        {
            throw rpcException;
        }
    }

    public override async Task<ListDocumentsResponse> ListDocuments(ListDocumentsRequest request, ServerCallContext context)
    {
        try
        {
            if (request.PageSize is < 0 or > MaxPageSize)
            {
                throw new InvalidIndexRequestException("page_size", $"must be 1..{MaxPageSize}, or 0 for the default {DefaultPageSize}; got {request.PageSize}");
            }

            var cursor = IndexProtoMapper.FromPageToken(request.PageToken);
            var page = await store.ListDocumentsAsync(request.PageSize == 0 ? DefaultPageSize : request.PageSize, cursor, context.CancellationToken);
            return new ListDocumentsResponse
            {
                Documents = { page.Documents.Select(IndexProtoMapper.ToDocumentInfo) },
                NextPageToken = IndexProtoMapper.ToPageToken(page.NextCursor),
                TotalCount = page.TotalCount,
            };
        }
        catch (Exception exception) when (ToRpcException(exception, null) is { } rpcException)
        {
            throw rpcException;
        }
    }

    public override async Task<GetDocumentChunksResponse> GetDocumentChunks(GetDocumentChunksRequest request, ServerCallContext context)
    {
        try
        {
            RequireDocumentId(request.DocumentId);
            var chunks = await store.GetChunksAsync(request.DocumentId, request.IncludeVectors, context.CancellationToken)
                ?? throw DocumentNotFound(request.DocumentId);
            return new GetDocumentChunksResponse { Chunks = { chunks.Select(IndexProtoMapper.ToChunkRecord) } };
        }
        catch (Exception exception) when (ToRpcException(exception, null) is { } rpcException)
        {
            throw rpcException;
        }
    }

    public override async Task<IndexStats> GetStats(GetStatsRequest request, ServerCallContext context)
    {
        var statistics = await store.GetStatsAsync(context.CancellationToken);
        telemetry.Observe(statistics);
        return IndexProtoMapper.ToIndexStats(statistics);
    }

    private static void RequireDocumentId(string documentId)
    {
        if (string.IsNullOrWhiteSpace(documentId))
        {
            throw new InvalidIndexRequestException("document_id", "required");
        }
    }

    private static RpcException DocumentNotFound(string documentId) =>
        new(new Status(StatusCode.NotFound, $"document_id: no document '{documentId}' in the index"));

    /// <summary>The status a refusal maps to; null lets anything else surface as Internal/Cancelled as gRPC does.</summary>
    private RpcException? ToRpcException(Exception exception, Activity? activity)
    {
        if (RefusalStatus(exception) is not { } refusal)
        {
            return null;
        }

        activity?.SetStatus(ActivityStatusCode.Error, refusal.Detail);
        LogRequestRefused(refusal.StatusCode, refusal.Detail);
        return new RpcException(refusal);
    }

    /// <summary>The status of a refusal the caller can act on: a malformed request, or vectors of another model.</summary>
    private static Status? RefusalStatus(Exception exception) => exception switch
    {
        InvalidIndexRequestException => new Status(StatusCode.InvalidArgument, exception.Message),
        EmbeddingModelMismatchException => new Status(StatusCode.FailedPrecondition, exception.Message),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Indexed document {DocumentId}: {Chunks} chunks, generation {Generation}, {ElapsedMs:F0} ms")]
    private partial void LogDocumentUpserted(string documentId, int chunks, long generation, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Indexed {Documents} documents in one write ({Refused} refused): {Chunks} chunks, {ElapsedMs:F0} ms")]
    private partial void LogDocumentsUpserted(int documents, int refused, int chunks, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted document {DocumentId}: {Chunks} chunks, generation {Generation}")]
    private partial void LogDocumentDeleted(string documentId, int chunks, long generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Write of document {DocumentId} version {Version} superseded: the index holds version {CurrentVersion}")]
    private partial void LogWriteSuperseded(string documentId, long version, long currentVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index request refused ({StatusCode}): {Detail}")]
    private partial void LogRequestRefused(StatusCode statusCode, string detail);
}
