namespace RagApp.Rag.Index.Embedded;

/// <summary>The slots containing one term and how often, sorted by slot so insert and remove are a binary search and a block move.</summary>
internal sealed class PostingList(string term)
{
    private int[] _slots = new int[4];
    private int[] _frequencies = new int[4];

    public string Term { get; } = term;

    public int Count { get; private set; }

    public ReadOnlySpan<int> Slots => _slots.AsSpan(0, Count);

    public ReadOnlySpan<int> Frequencies => _frequencies.AsSpan(0, Count);

    public void Add(int slot, int frequency)
    {
        // Slots are handed out lowest-free first, so a new slot is usually past every slot in the list.
        var index = Count == 0 || _slots[Count - 1] < slot ? Count : Slots.BinarySearch(slot);
        if (index < 0)
        {
            index = ~index;
        }
        else if (index < Count)
        {
            throw new InvalidOperationException($"Slot {slot} is already in the posting list.");
        }

        if (Count == _slots.Length)
        {
            Array.Resize(ref _slots, Count * 2);
            Array.Resize(ref _frequencies, Count * 2);
        }

        Array.Copy(_slots, index, _slots, index + 1, Count - index);
        Array.Copy(_frequencies, index, _frequencies, index + 1, Count - index);
        _slots[index] = slot;
        _frequencies[index] = frequency;
        Count++;
    }

    public void Remove(int slot)
    {
        var index = Slots.BinarySearch(slot);
        if (index < 0)
        {
            throw new InvalidOperationException($"Slot {slot} is not in the posting list.");
        }

        Count--;
        Array.Copy(_slots, index + 1, _slots, index, Count - index);
        Array.Copy(_frequencies, index + 1, _frequencies, index, Count - index);
    }
}
