using RagApp.Rag.Answers;

namespace RagApp.Tests.Answers;

/// <summary>Chunks of structured documents split into what an answer can quote: no code, no headings, lines joined.</summary>
public sealed class PassageSegmentsTests
{
    [Fact]
    public void HtmlChunk_DropsHeadingCaptionAndCodeListing_KeepsTheProse()
    {
        const string chunk = """
            Creating a New Thread with spawn

            To create a new thread, we call the thread::spawn function and pass it a closure
            containing the code we want to run in the new thread.

            Filename: src/main.rs

            use std::thread;

            fn main() {
                thread::spawn(|| {
                    println!("hi number {i} from the spawned thread!");
                });
            } // Here the spawned thread goes out of scope

            Listing 16-1: Creating a new thread to print one thing while the main thread prints something else
            """;

        Assert.Equal(
            ["To create a new thread, we call the thread::spawn function and pass it a closure containing the code we want to run in the new thread."],
            PassageSegments.Split(chunk));
    }

    [Fact]
    public void ChunkStartingInsideACodeListing_DropsTheListingsTail()
    {
        const string chunk = """
            // do stuff with s
                }                                  // this scope is now over, and s is no
                                                   // longer valid
            }

            When a variable goes out of scope, Rust calls a special function for us.
            """;

        Assert.Equal(["When a variable goes out of scope, Rust calls a special function for us."], PassageSegments.Split(chunk));
    }

    [Fact]
    public void Markdown_FencesHeadingsRulesAndTableSeparatorsDropped_ListItemsAndRowsKeptOnePerSegment()
    {
        const string chunk = """
            ## Uploads

            Files up to 25 MB are accepted,
            in five formats:

            - Markdown and
              plain text
            * HTML
            1. PDF (text layer only)

            ```csharp
            var limit = options.MaxFileBytes;
            ```

            ---

            | setting | default |
            |---|:--:|
            | `Gateway:MaxFileBytes` | 25 MiB |
            """;

        Assert.Equal(
            ["Files up to 25 MB are accepted, in five formats:", "Markdown and plain text", "HTML", "PDF (text layer only)", "setting | default", "`Gateway:MaxFileBytes` | 25 MiB"],
            PassageSegments.Split(chunk));
    }

    [Fact]
    public void PdfText_WrappedLinesAndBulletsJoinedPerItem()
    {
        const string chunk = "• <MIME>/magic (contains a mapping from file contents to MIME types)\r\n• <MIME>/XMLnamespaces (contains a mapping from XML (namespaceURI, localName) pairs to\r\nMIME types)\r\nThe format of these files is explained in the following\r\nsections.";

        Assert.Equal(
            [
                "<MIME>/magic (contains a mapping from file contents to MIME types)",
                "<MIME>/XMLnamespaces (contains a mapping from XML (namespaceURI, localName) pairs to MIME types) The format of these files is explained in the following sections.",
            ],
            PassageSegments.Split(chunk));
    }

    [Fact]
    public void PdfText_WordBrokenOverTwoLinesJoined()
    {
        Assert.Equal(
            ["GNU Libtasn1 is a library for Distinguished Encoding Rules (DER) manipulation, see ASN.1- DER."],
            PassageSegments.Split("GNU Libtasn1 is a library for Distinguished Encoding Rules (DER) manip-\nulation, see ASN.1-\nDER."));
    }

    [Theory]
    [InlineData("Ann Arbor was founded in 1824 by land speculators.")]
    [InlineData("The ratio (see [3]) was measured with the gauges described in the previous report by Smith.")]
    [InlineData("See https://example.com/docs for the details of the setting.")]
    public void Prose_KeptWhole(string paragraph) =>
        Assert.Equal([paragraph], PassageSegments.Split(paragraph));

    [Theory]
    [InlineData("let s2 = String::from(\"hello\");", true)]
    [InlineData("fn main() {", true)]
    [InlineData("}", true)]
    [InlineData("    let s1 = gives_ownership();        // gives_ownership moves its return", true)]
    [InlineData("if (a[i] <= b[j]) c[k] = a[i]", true)]
    [InlineData("The value is dropped when its owner goes out of scope.", false)]
    [InlineData("Read https://example.com/docs for more.", false)]
    public void IsCodeLine(string line, bool expected) =>
        Assert.Equal(expected, PassageSegments.IsCodeLine(line));
}
