using Grpc.Core;
using Microsoft.Extensions.Options;
using RagApp.Core.Grpc.V1;
using RagApp.Ingest.Worker.Ingestion;

namespace RagApp.Ingest.Worker.Indexing;

/// <summary>
/// The worker's side of RagApp.Rag's index service. Lookups and small documents' writes from concurrent jobs share
/// calls (<see cref="CallCoalescer{TItem, TResult}"/>); a document of more than <see cref="IngestWorkerOptions.IndexBatchSize"/>
/// chunks is streamed on its own call, in batches.
/// </summary>
internal sealed class IndexWriter
{
    private readonly IndexService.IndexServiceClient _client;
    private readonly IngestWorkerOptions _options;
    private readonly CallCoalescer<string, DocumentInfo?> _lookups;
    private readonly CallCoalescer<DocumentUpsert, DocumentUpsertResult> _writes;

    public IndexWriter(IndexService.IndexServiceClient client, IOptions<IngestWorkerOptions> options)
    {
        _client = client;
        _options = options.Value;
        _lookups = new CallCoalescer<string, DocumentInfo?>(LookUpAsync, maxItems: 256, weightOf: _ => 1, maxWeight: 256, _options.IndexCallTimeout);
        // Small documents only, so a call stays far below gRPC's 4 MB message limit (a 384-dimension chunk is ≈ 2.5 kB).
        _writes = new CallCoalescer<DocumentUpsert, DocumentUpsertResult>(WriteAsync, maxItems: 64,
            weightOf: upsert => upsert.Chunks.Count, maxWeight: Math.Max(_options.IndexBatchSize, 256), _options.IndexCallTimeout);
    }

    /// <summary>The document as the index has it, or null when it is not indexed.</summary>
    public Task<DocumentInfo?> FindAsync(string documentId, CancellationToken cancellationToken) =>
        _lookups.CallAsync(documentId, cancellationToken);

    /// <summary>Replaces every chunk of the document; the new set becomes visible atomically.</summary>
    public async Task<UpsertDocumentResponse> ReplaceAsync(DocumentHeader header, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        if (chunks.Count > _options.IndexBatchSize)
        {
            return await StreamAsync(header, chunks, cancellationToken);
        }

        var upsert = new DocumentUpsert { Header = header };
        upsert.Chunks.AddRange(chunks);
        var result = await _writes.CallAsync(upsert, cancellationToken);
        if (result.StatusCode != (int)StatusCode.OK)
        {
            // As the single-document call would have failed: the worker tells refusals from outages by status code.
            throw new RpcException(new Status((StatusCode)result.StatusCode, result.StatusDetail));
        }

        return new UpsertDocumentResponse { ChunkCount = result.ChunkCount, Generation = result.Generation };
    }

    private async Task<UpsertDocumentResponse> StreamAsync(DocumentHeader header, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        using var call = _client.UpsertDocument(cancellationToken: cancellationToken);
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
