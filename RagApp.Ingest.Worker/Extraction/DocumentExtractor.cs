using Microsoft.Extensions.Options;

namespace RagApp.Ingest.Worker.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// Extracts text from a document of any supported format. Whatever goes wrong with the document itself
/// comes out as a <see cref="DocumentRejectedException"/> with a message for the user (see <see cref="ParserFailures"/>
/// for how a parser's failure is told from ours); cancellation and failures that are not the document's fault pass
/// through as they are, so that the job is retried instead of the document refused.
/// </summary>
public sealed partial class DocumentExtractor
{
    private readonly Dictionary<DocumentFormat, IDocumentExtractor> _extractors;
    private readonly IOptions<ExtractionOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DocumentExtractor> _logger;

    public DocumentExtractor(
        IEnumerable<IDocumentExtractor> extractors,
        IOptions<ExtractionOptions> options,
        TimeProvider timeProvider,
        ILogger<DocumentExtractor> logger)
    {
        _extractors = extractors.ToDictionary(extractor => extractor.Format);
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public ExtractedDocument Extract(DocumentFormat format, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = _timeProvider.GetTimestamp();
        try
        {
            var document = ExtractChecked(format, content, cancellationToken);
            var elapsedMilliseconds = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
            LogExtracted(format, content.Length, document.Text.Length, document.Pages.Count, document.Sections.Count, elapsedMilliseconds);
            return document;
        }
        catch (DocumentRejectedException ex)
        {
            LogRejected(ex, format, content.Length, ex.Message);
            throw;
        }
    }

    private ExtractedDocument ExtractChecked(DocumentFormat format, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var limits = _options.Value;
        if (content.Length > limits.MaxDocumentBytes)
        {
            throw new DocumentRejectedException($"The document is larger than {limits.MaxDocumentBytes / (1024 * 1024)} MB, more than this service accepts.");
        }

        if (!DocumentFormats.IsConsistent(format, content.Span, out var problem))
        {
            throw new DocumentRejectedException(Sentence(problem));
        }

        if (!_extractors.TryGetValue(format, out var extractor))
        {
            throw new DocumentRejectedException($"Documents of type {DocumentFormats.ContentTypeOf(format)} are not supported.");
        }

        ExtractedDocument document;
        try
        {
            document = extractor.Extract(content, cancellationToken);
        }
        catch (Exception ex) when (ex is not DocumentRejectedException && ParserFailures.IsCausedByDocument(ex))
        {
            // What a parser throws on a damaged file means nothing to the user, and does not get better on retry.
            // Anything else (a bug of ours) goes on as it is: the worker retries the job and logs the stack trace.
            throw new DocumentRejectedException(
                $"The {DocumentFormats.ContentTypeOf(format)} document could not be read; it is damaged or not a valid file of that type.", ex);
        }

        if (string.IsNullOrWhiteSpace(document.Text))
        {
            throw new DocumentRejectedException("The document contains no text.");
        }

        if (document.Text.Length > limits.MaxExtractedCharacters)
        {
            throw ExtractedTextBuilder.TooLong(limits.MaxExtractedCharacters);
        }

        return document;
    }

    private static string Sentence(string problem) => string.Concat(problem[..1].ToUpperInvariant(), problem[1..], ".");

    [LoggerMessage(Level = LogLevel.Debug, Message = "Extracted {Format} document: {Bytes} bytes, {Characters} characters, {Pages} pages, {Sections} sections in {ElapsedMilliseconds:F0} ms")]
    private partial void LogExtracted(DocumentFormat format, int bytes, int characters, int pages, int sections, double elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected {Format} document of {Bytes} bytes: {Reason}")]
    private partial void LogRejected(Exception exception, DocumentFormat format, int bytes, string reason);
}
