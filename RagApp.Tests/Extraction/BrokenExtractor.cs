using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>An extractor with a bug of the kind our own code could have: it fails on every document, whatever its bytes.</summary>
internal sealed class BrokenExtractor(DocumentFormat format, string bug = "null reference") : IDocumentExtractor
{
    private static readonly string?[] Titles = [null];

    private int _calls;

    public DocumentFormat Format => format;

    /// <summary>How many times it was called.</summary>
    public int Calls => _calls;

    public static Type ExpectedType(string bug) => bug switch
    {
        "null reference" => typeof(NullReferenceException),
        "index out of range" => typeof(IndexOutOfRangeException),
        _ => typeof(InvalidOperationException),
    };

    public ExtractedDocument Extract(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        var title = bug switch
        {
            // Real faults, thrown by the runtime where our code goes wrong, not exceptions made up for the test.
            "null reference" => Titles[0]!.Trim(),
            "index out of range" => Titles[content.Length + 1],
            _ => Titles.Where(t => t is not null).First(),
        };
        return new ExtractedDocument(title!, title, Pages: [], Sections: []);
    }
}
