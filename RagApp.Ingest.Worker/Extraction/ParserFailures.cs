using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig.Core;

namespace RagApp.Ingest.Worker.Extraction;

/// <summary>
/// Tells a parser's failure on a damaged document (the document's fault: reject it) from a failure of ours (a bug:
/// retry, and keep the stack trace). Two rules, either suffices:
/// <list type="bullet">
/// <item>The exception is of a type that only ever means "these bytes are not a valid file" (PdfPig's format
/// exception, OpenXml's package exception, corrupt ZIP or XML, undecodable text).</item>
/// <item>It was thrown inside a parser library: PdfPig, OpenXml and AngleSharp report much of the damage they meet as
/// whatever their internals hit (InvalidOperationException "failed to parse the content for the page",
/// NotSupportedException for a garbled filter name, InvalidCastException, IndexOutOfRangeException), so the type alone
/// says nothing; where it was thrown does. Frames of the .NET libraries (System.*) are looked through, since the
/// parsers read through System.IO.Packaging, System.IO.Compression and System.Xml.</item>
/// </list>
/// Anything else, above all a NullReferenceException of our own code, is not the document's fault.
/// </summary>
internal static class ParserFailures
{
    // PdfPig ships as several assemblies (UglyToad.PdfPig, .Core, .Fonts, .Tokenization, ...), OpenXml as two.
    private static readonly string[] ParserAssemblyNamePrefixes = ["UglyToad.PdfPig", "DocumentFormat.OpenXml", "AngleSharp"];

    public static bool IsCausedByDocument(Exception exception) => exception switch
    {
        // Not a failure, or a failure of the process rather than of this document.
        OperationCanceledException or OutOfMemoryException => false,
        PdfDocumentFormatException or OpenXmlPackageException or InvalidDataException or FileFormatException
            or XmlException or DecoderFallbackException => true,
        _ => IsThrownInsideParser(exception),
    };

    private static bool IsThrownInsideParser(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: false).GetFrames())
        {
            var assembly = frame.GetMethod()?.DeclaringType?.Assembly;
            if (assembly is null || IsDotNetLibrary(assembly))
            {
                continue;
            }

            // The first frame that is neither .NET's nor unknown decides: a parser's or someone else's (ours).
            return IsParser(assembly);
        }

        return false;
    }

    private static bool IsParser(Assembly assembly) =>
        Array.Exists(ParserAssemblyNamePrefixes, prefix => assembly.GetName().Name?.StartsWith(prefix, StringComparison.Ordinal) == true);

    private static bool IsDotNetLibrary(Assembly assembly) =>
        assembly.GetName().Name is { } name
        && (name.StartsWith("System.", StringComparison.Ordinal) || name is "System" or "mscorlib" or "netstandard");
}
