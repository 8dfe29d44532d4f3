
namespace RagApp.Ingest.Worker.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>Turns the bytes of one document format into text. Implementations throw <see cref="DocumentRejectedException"/> for unreadable input.</summary>
public interface IDocumentExtractor
{
    DocumentFormat Format { get; }

    ExtractedDocument Extract(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
