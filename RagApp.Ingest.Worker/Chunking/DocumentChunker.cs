using Microsoft.Extensions.Options;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Ingest.Worker.Chunking;

/// <summary>Splits an extracted document into chunks and tells each chunk its page and section.</summary>
public sealed class DocumentChunker(IOptions<ChunkingOptions> options)
{
    private readonly RecursiveCharacterTextSplitter _splitter = new(options.Value);

    public IReadOnlyList<DocumentChunk> Chunk(ExtractedDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var chunks = _splitter.Split(document.Text, cancellationToken);
        var result = new List<DocumentChunk>(chunks.Count);
        foreach (var chunk in chunks)
        {
            var page = Containing(document.Pages, chunk.Start, page => page.Start, page => page.End);
            var section = Containing(document.Sections, chunk.Start, section => section.Start, section => section.End);
            result.Add(new DocumentChunk(chunk.Ordinal, chunk.Text, chunk.Start, chunk.End, page?.PageNumber ?? 0, section?.Path));
        }

        return result;
    }

    // Spans are sorted and do not overlap: binary search for the last span starting at or before the offset.
    private static T? Containing<T>(IReadOnlyList<T> spans, int offset, Func<T, int> start, Func<T, int> end)
        where T : class
    {
        int low = 0, high = spans.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (start(spans[middle]) <= offset)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found >= 0 && offset < end(spans[found]) ? spans[found] : null;
    }
}
