namespace RagApp.Rag.Index.Embedded;

/// <summary>
/// The slots containing one term and how often, sorted by slot so insert and remove are a binary search and a block
/// move. Slot and frequency sit side by side: building and scoring touch both, one cache line instead of two.
/// </summary>
internal sealed class PostingList(string term)
{
    private Posting[] _postings = new Posting[4];

    public string Term { get; } = term;

    public int Count { get; private set; }

    public ReadOnlySpan<Posting> Postings => _postings.AsSpan(0, Count);

    /// <summary>Counts one more occurrence of the term in the chunk at <paramref name="slot"/>.</summary>
    public void AddOccurrence(int slot)
    {
        // A chunk's terms are added together, and slots are handed out lowest-free first, so the slot is almost
        // always the last one in the list (a repeat) or past it (a new chunk): no search needed.
        var last = Count - 1;
        if (last >= 0 && _postings[last].Slot == slot)
        {
            _postings[last] = new Posting(slot, _postings[last].Frequency + 1);
            return;
        }

        var index = last < 0 || _postings[last].Slot < slot ? Count : IndexOf(slot);
        if (index >= 0 && index < Count)
        {
            _postings[index] = new Posting(slot, _postings[index].Frequency + 1);
            return;
        }

        index = index < 0 ? ~index : index;
        if (Count == _postings.Length)
        {
            Array.Resize(ref _postings, Count * 2);
        }

        Array.Copy(_postings, index, _postings, index + 1, Count - index);
        _postings[index] = new Posting(slot, 1);
        Count++;
    }

    /// <summary>Removes the slot; false when it is not in the list (a term repeated in the removed text).</summary>
    public bool TryRemove(int slot)
    {
        var index = IndexOf(slot);
        if (index < 0)
        {
            return false;
        }

        Count--;
        Array.Copy(_postings, index + 1, _postings, index, Count - index);
        return true;
    }

    /// <summary>The index of the slot, or the bitwise complement of where it would go.</summary>
    private int IndexOf(int slot)
    {
        var low = 0;
        var high = Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var found = _postings[middle].Slot;
            if (found == slot)
            {
                return middle;
            }

            if (found < slot)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }
}
