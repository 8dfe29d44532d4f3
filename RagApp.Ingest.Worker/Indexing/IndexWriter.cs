using Grpc.Core;
using Microsoft.Extensions.Options;
using RagApp.Core.Grpc.V1;

namespace RagApp.Ingest.Worker.Indexing;

/// <summary>Sends a document's chunks with their vectors to RagApp.Rag's index service, in batches.</summary>
internal sealed class IndexWriter(IndexService.IndexServiceClient client, IOptions<Ingestion.IngestWorkerOptions> options)
{
    /// <summary>The document as the index has it, or null when it is not indexed.</summary>
    public async Task<DocumentInfo?> FindAsync(string documentId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetDocumentAsync(new GetDocumentRequest { DocumentId = documentId }, cancellationToken: cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Replaces every chunk of the document; the new set becomes visible atomically.</summary>
    public async Task<UpsertDocumentResponse> ReplaceAsync(DocumentHeader header, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        using var call = client.UpsertDocument(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new UpsertDocumentPart { Header = header }, cancellationToken);
        foreach (var batch in chunks.Chunk(options.Value.IndexBatchSize))
        {
            var part = new ChunkBatch();
            part.Chunks.AddRange(batch);
            await call.RequestStream.WriteAsync(new UpsertDocumentPart { Chunks = part }, cancellationToken);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }
}
