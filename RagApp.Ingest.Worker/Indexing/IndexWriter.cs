using Grpc.Core;
using Microsoft.Extensions.Options;
using RagApp.Core.Grpc.V1;
using RagApp.Ingest.Worker.Ingestion;

namespace RagApp.Ingest.Worker.Indexing;

/// <summary>
/// The worker's side of RagApp.Rag's index service. Lookups and small documents' writes from concurrent jobs share
/// calls (<see cref="CallCoalescer{TItem, TResult}"/>); a document of more than <see cref="IngestWorkerOptions.IndexBatchSize"/>
/// chunks is streamed on its own call, in batches. Every write carries the submission's version: the index answers
/// "superseded" instead of writing when it holds a newer one.
/// </summary>
internal sealed class IndexWriter
{
    private readonly IndexService.IndexServiceClient _client;
    private readonly IngestWorkerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly CallCoalescer<string, DocumentInfo?> _lookups;
    private readonly CallCoalescer<DocumentUpsert, DocumentUpsertResult> _writes;

    public IndexWriter(IndexService.IndexServiceClient client, IOptions<IngestWorkerOptions> options, TimeProvider timeProvider)
    {
        _client = client;
        _options = options.Value;
        _timeProvider = timeProvider;
        _lookups = new CallCoalescer<string, DocumentInfo?>(LookUpAsync, maxItems: 256, weightOf: _ => 1, maxWeight: 256, _options.IndexCallTimeout);
        // Small documents only, so a call stays far below gRPC's 4 MB message limit (a 384-dimension chunk is ≈ 2.5 kB).
        _writes = new CallCoalescer<DocumentUpsert, DocumentUpsertResult>(WriteAsync, maxItems: 64,
            weightOf: upsert => Math.Max(1, upsert.Chunks.Count), maxWeight: Math.Max(_options.IndexBatchSize, 256), _options.IndexCallTimeout);
    }

    /// <summary>The document as the index has it, or null when it is not indexed.</summary>
    public Task<DocumentInfo?> FindAsync(string documentId, CancellationToken cancellationToken) =>
        _lookups.CallAsync(documentId, cancellationToken);

    /// <summary>Replaces every chunk of the document, unless the index holds a newer version; the new set becomes visible atomically.</summary>
    public async Task<IndexWrite> ReplaceAsync(DocumentHeader header, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        if (chunks.Count > _options.IndexBatchSize)
        {
            var streamed = await StreamAsync(header, chunks, cancellationToken);
            return new IndexWrite(
                streamed.Superseded ? IndexWriteOutcome.Superseded : IndexWriteOutcome.Written, streamed.ChunkCount, streamed.CurrentVersion);
        }

        var upsert = new DocumentUpsert { Header = header };
        upsert.Chunks.AddRange(chunks);
        return ToWrite(await _writes.CallAsync(upsert, cancellationToken));
    }

    /// <summary>Records the header (version, description) of a document whose content the index already holds.</summary>
    public async Task<IndexWrite> KeepChunksAsync(DocumentHeader header, CancellationToken cancellationToken) =>
        ToWrite(await _writes.CallAsync(new DocumentUpsert { Header = header, KeepChunks = true }, cancellationToken));

    /// <summary>Removes the document and leaves a tombstone at <paramref name="version"/>, unless the index holds a newer version.</summary>
    public async Task<IndexWrite> DeleteAsync(string documentId, long version, CancellationToken cancellationToken)
    {
        var response = await _client.DeleteDocumentAsync(
            new DeleteDocumentRequest { DocumentId = documentId, Version = version },
            deadline: _timeProvider.GetUtcNow().UtcDateTime + _options.IndexCallTimeout,
            cancellationToken: cancellationToken);
        return new IndexWrite(response.Superseded ? IndexWriteOutcome.Superseded : IndexWriteOutcome.Written, 0, response.CurrentVersion);
    }

    private static IndexWrite ToWrite(DocumentUpsertResult result)
    {
        if (result.StatusCode != (int)StatusCode.OK)
        {
            // As the single-document call would have failed: the worker tells refusals from outages by status code.
            throw new RpcException(new Status((StatusCode)result.StatusCode, result.StatusDetail));
        }

        var outcome = result.Superseded ? IndexWriteOutcome.Superseded
            : result.ChunksMissing ? IndexWriteOutcome.ChunksMissing
            : IndexWriteOutcome.Written;
        return new IndexWrite(outcome, result.ChunkCount, result.CurrentVersion);
    }

    private async Task<UpsertDocumentResponse> StreamAsync(DocumentHeader header, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        using var call = _client.UpsertDocument(
            deadline: _timeProvider.GetUtcNow().UtcDateTime + _options.IndexCallTimeout, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new UpsertDocumentPart { Header = header }, cancellationToken);
        foreach (var batch in chunks.Chunk(_options.IndexBatchSize))
        {
            var part = new ChunkBatch();
            part.Chunks.AddRange(batch);
            await call.RequestStream.WriteAsync(new UpsertDocumentPart { Chunks = part }, cancellationToken);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    private async Task<IReadOnlyList<DocumentInfo?>> LookUpAsync(IReadOnlyList<string> documentIds, CancellationToken cancellationToken)
    {
        var request = new GetDocumentsRequest();
        request.DocumentIds.AddRange(documentIds);
        var response = await _client.GetDocumentsAsync(request, cancellationToken: cancellationToken);
        var found = response.Documents.ToDictionary(document => document.DocumentId, StringComparer.Ordinal);
        return [.. documentIds.Select(id => found.GetValueOrDefault(id))];
    }

    private async Task<IReadOnlyList<DocumentUpsertResult>> WriteAsync(IReadOnlyList<DocumentUpsert> upserts, CancellationToken cancellationToken)
    {
        var request = new UpsertDocumentsRequest();
        request.Documents.AddRange(upserts);
        var response = await _client.UpsertDocumentsAsync(request, cancellationToken: cancellationToken);
        return response.Results;
    }
}
