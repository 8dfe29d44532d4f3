using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Documents;
using RagApp.Ingest.Worker.Chunking;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Reliability;

/// <summary>What the index must hold for a text: the worker's own extractor and chunker, run here, with its chunk ids.</summary>
internal sealed class ExpectedChunks
{
    private readonly DocumentExtractor extractor;
    private readonly DocumentChunker chunker;

    public ExpectedChunks()
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddDocumentProcessing()
            .BuildServiceProvider();
        extractor = services.GetRequiredService<DocumentExtractor>();
        chunker = services.GetRequiredService<DocumentChunker>();
    }

    public IReadOnlyList<(string ChunkId, int Ordinal, string Text)> For(string documentId, string text)
    {
        var extracted = extractor.Extract(Core.Documents.DocumentFormat.PlainText, Encoding.UTF8.GetBytes(text), CancellationToken.None);
        return [.. chunker.Chunk(extracted, CancellationToken.None).Select(chunk => (ChunkIds.Create(documentId, chunk.Ordinal), chunk.Ordinal, chunk.Text))];
    }
}
