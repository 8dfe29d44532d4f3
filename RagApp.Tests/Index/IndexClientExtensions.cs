using Grpc.Core;
using RagApp.Core.Grpc.V1;

namespace RagApp.Tests.Index;

internal static class IndexClientExtensions
{
    public static Task<UpsertDocumentResponse> UpsertAsync(this IndexService.IndexServiceClient client, TestDocument document) =>
        client.UpsertPartsAsync(document.Parts());

    /// <summary>Streams the given parts, exactly as given (tests use it to send malformed streams too).</summary>
    public static async Task<UpsertDocumentResponse> UpsertPartsAsync(this IndexService.IndexServiceClient client, IEnumerable<UpsertDocumentPart> parts)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var call = client.UpsertDocument(cancellationToken: cancellationToken);
        try
        {
            foreach (var part in parts)
            {
                await call.RequestStream.WriteAsync(part, cancellationToken);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException)
        {
            // The server refused the stream before it ended; its verdict is in the response, awaited below.
        }

        return await call;
    }

    public static async Task<IndexStats> StatsAsync(this IndexService.IndexServiceClient client) =>
        await client.GetStatsAsync(new GetStatsRequest(), cancellationToken: TestContext.Current.CancellationToken);

    public static async Task<GetDocumentChunksResponse> ChunksAsync(this IndexService.IndexServiceClient client, string documentId, bool includeVectors = false) =>
        await client.GetDocumentChunksAsync(
            new GetDocumentChunksRequest { DocumentId = documentId, IncludeVectors = includeVectors },
            cancellationToken: TestContext.Current.CancellationToken);
}
