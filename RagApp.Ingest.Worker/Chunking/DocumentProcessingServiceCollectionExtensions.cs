using Microsoft.Extensions.DependencyInjection.Extensions;
using RagApp.Ingest.Worker.Chunking;
using RagApp.Ingest.Worker.Extraction;

namespace Microsoft.Extensions.DependencyInjection;

public static class DocumentProcessingServiceCollectionExtensions
{
    /// <summary>
    /// Registers extraction (<see cref="DocumentExtractor"/>) and chunking (<see cref="DocumentChunker"/>) with their
    /// options bound from "Ingest:Extraction" and "Ingest:Chunking" and validated at start-up.
    /// </summary>
    public static IServiceCollection AddDocumentProcessing(this IServiceCollection services)
    {
        services.AddOptions<ExtractionOptions>()
            .BindConfiguration(ExtractionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<ChunkingOptions>()
            .BindConfiguration(ChunkingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, PlainTextExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, MarkdownExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, HtmlExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, PdfExtractor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDocumentExtractor, DocxExtractor>());
        services.TryAddSingleton<DocumentExtractor>();
        services.TryAddSingleton<DocumentChunker>();
        return services;
    }
}
