using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagApp.Ingest.Worker.Chunking;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Chunking;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

public class DocumentProcessingRegistrationTests
{
    [Fact]
    public void AddDocumentProcessing_BindsOptions_ReplacingDefaultSeparators()
    {
        using var services = Build(new()
        {
            ["Ingest:Chunking:ChunkSize"] = "500",
            ["Ingest:Chunking:ChunkOverlap"] = "50",
            ["Ingest:Chunking:Separators:0"] = "\n",
            ["Ingest:Chunking:Separators:1"] = " ",
            ["Ingest:Extraction:MaxPdfPages"] = "7",
        });

        var chunking = services.GetRequiredService<IOptions<ChunkingOptions>>().Value;
        Assert.Equal(500, chunking.ChunkSize);
        Assert.Equal(["\n", " "], chunking.EffectiveSeparators);
        Assert.Equal(7, services.GetRequiredService<IOptions<ExtractionOptions>>().Value.MaxPdfPages);
        Assert.Equal(ChunkingOptions.DefaultSeparators, new ChunkingOptions().EffectiveSeparators);
    }

    [Fact]
    public void AddDocumentProcessing_ExtractsAndChunksEveryFormat()
    {
        using var services = Build([]);
        var extractor = services.GetRequiredService<DocumentExtractor>();
        var chunker = services.GetRequiredService<DocumentChunker>();

        var document = extractor.Extract(DocumentFormat.Markdown, "# Hello\n\nworld"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal("# Hello\n\nworld", Assert.Single(chunker.Chunk(document, TestContext.Current.CancellationToken)).Text);
        Assert.All(Enum.GetValues<DocumentFormat>(), format =>
            Assert.Contains(services.GetServices<IDocumentExtractor>(), e => e.Format == format));
    }

    [Theory]
    [InlineData("Ingest:Chunking:ChunkOverlap", "1000")]
    [InlineData("Ingest:Chunking:ChunkSize", "0")]
    [InlineData("Ingest:Extraction:MaxHtmlDepth", "1")]
    public void AddDocumentProcessing_InvalidOptions_FailValidation(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<ChunkingOptions>>().Value;
            _ = services.GetRequiredService<IOptions<ExtractionOptions>>().Value;
        });
        Assert.NotEmpty(error.Failures);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddDocumentProcessing()
            .BuildServiceProvider();
}
