using System.ComponentModel.DataAnnotations;
using RagApp.Core.Documents;

namespace RagApp.Gateway.Documents;

/// <summary>Limits of <c>POST /api/v1/documents</c>, from the "Gateway:Uploads" configuration section.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Gateway:Uploads";

    /// <summary>
    /// Largest accepted file (or JSON text, in UTF-8 bytes). Larger answers 413. Keep it within the ingest worker's
    /// <c>Ingest:Extraction:MaxDocumentBytes</c> (100 MiB by default).
    /// </summary>
    [Range(1, 1L << 32)]
    public long MaxFileBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>
    /// Most characters in a text document: the JSON <c>text</c>, or a plain-text or Markdown file (UTF-8 decoded). Longer
    /// answers 413. The ingest worker rejects extracted text longer than its <c>Ingest:Extraction:MaxExtractedCharacters</c>
    /// (same default); keep this no higher, so that what the gateway accepts the worker can index.
    /// </summary>
    [Range(1, 500_000_000)]
    public int MaxTextCharacters { get; set; } = DocumentLimits.DefaultMaxTextCharacters;

    /// <summary>Most files in one multipart request.</summary>
    [Range(1, 1000)]
    public int MaxFilesPerRequest { get; set; } = 20;

    /// <summary>Largest request body; a multipart request over it answers 413 before any file is queued.</summary>
    [Range(1, 1L << 34)]
    public long MaxRequestBytes { get; set; } = 110L * 1024 * 1024;

    /// <summary>Most metadata entries on one document.</summary>
    [Range(0, 1000)]
    public int MaxMetadataEntries { get; set; } = 64;
}
