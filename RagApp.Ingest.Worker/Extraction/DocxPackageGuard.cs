using System.Collections.ObjectModel;
using System.Globalization;
using System.IO.Compression;

namespace RagApp.Ingest.Worker.Extraction;

/// <summary>
/// Inspects a DOCX's ZIP directory before OpenXml opens it: entry count, total declared uncompressed size
/// and compression ratio. Declared sizes can lie, but .NET's ZipArchive never inflates an entry past its
/// declared length (a test pins this), so OpenXml reading through it stays within what was checked here.
/// </summary>
internal static class DocxPackageGuard
{
    // Small XML parts compress very well; the ratio only says "bomb" for entries of some size.
    private const long RatioCheckMinimumBytes = 1024 * 1024;

    public static void Check(Stream package, ExtractionOptions limits)
    {
        using var zip = Open(package);
        ReadOnlyCollection<ZipArchiveEntry> entries;
        try
        {
            // The central directory is read on first access: its damage shows here rather than in the constructor.
            entries = zip.Entries;
        }
        catch (InvalidDataException ex)
        {
            throw Unreadable(ex);
        }

        if (entries.Count > limits.MaxDocxEntries)
        {
            throw new DocumentRejectedException(string.Create(CultureInfo.InvariantCulture,
                $"The DOCX file has {entries.Count:N0} parts, more than the {limits.MaxDocxEntries:N0} accepted."));
        }

        long total = 0;
        foreach (var entry in entries)
        {
            total += entry.Length;
            if (total > limits.MaxDocxUncompressedBytes)
            {
                throw new DocumentRejectedException(string.Create(CultureInfo.InvariantCulture,
                    $"The DOCX file expands to more than {limits.MaxDocxUncompressedBytes / (1024 * 1024):N0} MB, more than this service accepts."));
            }

            if (entry.Length > RatioCheckMinimumBytes && entry.Length > entry.CompressedLength * limits.MaxCompressionRatio)
            {
                throw new DocumentRejectedException(
                    $"The DOCX file looks like a zip bomb: its part '{entry.FullName}' is compressed more than {limits.MaxCompressionRatio} to 1.");
            }
        }
    }

    private static ZipArchive Open(Stream package)
    {
        try
        {
            return new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw Unreadable(ex);
        }
    }

    private static DocumentRejectedException Unreadable(InvalidDataException ex) =>
        new("The DOCX file is damaged: it is not a readable ZIP archive.", ex);
}
