using System.Buffers;
using System.Text;

namespace RagApp.Rag.Index.Keywords;

/// <summary>
/// Reads the terms of a text one at a time into a caller's buffer: lower-cased (invariant), split on anything that
/// is not a letter or digit, stop words skipped, and with <see cref="KeywordStemming.English"/> each word reduced to
/// its stem. Terms longer than the buffer are cut to its length. Allocates nothing (a stem is computed once per word
/// form, <see cref="TermStemmer"/>), which matters when a large index is tokenised again at start-up.
/// </summary>
internal ref struct TokenReader(ReadOnlySpan<char> text, Span<char> buffer, KeywordStemming stemming = KeywordStemming.None, bool rememberStems = true)
{
    public const int MaxTermLength = 128;

    private readonly ReadOnlySpan<char> _text = text;
    private readonly Span<char> _buffer = buffer;
    private readonly KeywordStemming _stemming = stemming;
    private readonly bool _rememberStems = rememberStems;
    private int _position;

    public bool TryRead(out ReadOnlySpan<char> term)
    {
        while (_position < _text.Length)
        {
            var length = 0;
            while (_position < _text.Length)
            {
                var c = _text[_position];
                if (char.IsAscii(c))
                {
                    // Most text is ASCII: classify and lower-case it without the Unicode tables.
                    _position++;
                    if (!char.IsAsciiLetterOrDigit(c))
                    {
                        if (length > 0)
                        {
                            break;
                        }

                        continue;
                    }

                    if (length < _buffer.Length)
                    {
                        _buffer[length++] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
                    }

                    continue;
                }

                if (Rune.DecodeFromUtf16(_text[_position..], out var rune, out var consumed) != OperationStatus.Done)
                {
                    // A lone surrogate: not a letter, so a separator.
                    _position += Math.Max(consumed, 1);
                    if (length > 0)
                    {
                        break;
                    }

                    continue;
                }

                _position += consumed;
                if (!Rune.IsLetterOrDigit(rune))
                {
                    if (length > 0)
                    {
                        break;
                    }

                    continue;
                }

                var lower = Rune.ToLowerInvariant(rune);
                if (length + lower.Utf16SequenceLength <= _buffer.Length)
                {
                    length += lower.EncodeToUtf16(_buffer[length..]);
                }
            }

            if (length > 0 && !EnglishStopWords.Lookup.Contains(_buffer[..length]))
            {
                // Stop words are matched as written, before stemming ("this" would become "thi").
                if (_stemming == KeywordStemming.English)
                {
                    length = TermStemmer.Stem(_buffer, length, _rememberStems);
                }

                term = _buffer[..length];
                return true;
            }
        }

        term = default;
        return false;
    }
}
