using System.ComponentModel.DataAnnotations;
using RagApp.Core.Documents;

namespace RagApp.Ingest.Worker.Extraction;

/// <summary>Limits that keep extraction of hostile documents bounded in time and memory. Section "Ingest:Extraction".</summary>
public sealed class ExtractionOptions
{
    public const string SectionName = "Ingest:Extraction";

    /// <summary>Largest input accepted, whatever its format (defence in depth behind the gateway's upload limit).</summary>
    [Range(1, int.MaxValue)]
    public int MaxDocumentBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>Documents whose extracted text is longer are rejected rather than silently truncated.</summary>
    [Range(1, 500_000_000)]
    public int MaxExtractedCharacters { get; set; } = DocumentLimits.DefaultMaxTextCharacters;

    /// <summary>PDFs with more pages are rejected.</summary>
    [Range(1, 1_000_000)]
    public int MaxPdfPages { get; set; } = 2000;

    /// <summary>Sum of the declared uncompressed sizes of all entries of a DOCX.</summary>
    [Range(1, long.MaxValue)]
    public long MaxDocxUncompressedBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Largest uncompressed/compressed ratio of a DOCX entry bigger than 1 MB; zip bombs go far beyond.</summary>
    [Range(1, 100_000)]
    public int MaxCompressionRatio { get; set; } = 200;

    [Range(1, 1_000_000)]
    public int MaxDocxEntries { get; set; } = 10_000;

    /// <summary>Deepest XML element nesting read from a DOCX part.</summary>
    [Range(16, 100_000)]
    public int MaxDocxDepth { get; set; } = 256;

    /// <summary>
    /// HTML nested deeper than this (estimated before parsing) is rejected: HTML parsers slow down
    /// quadratically on extreme nesting, and no real page comes near this depth.
    /// </summary>
    [Range(16, 100_000)]
    public int MaxHtmlDepth { get; set; } = 256;
}
