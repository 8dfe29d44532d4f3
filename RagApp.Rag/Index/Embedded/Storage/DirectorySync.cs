using System.Runtime.InteropServices;

namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// fsync of a directory, so a rename into it survives a power cut. .NET cannot open a directory as a file, hence
/// libc. Windows has no equivalent (and needs none: MoveFileEx with write-through is durable); elsewhere it is a no-op.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var descriptor = Open(NullTerminatedUtf8(directory), ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"Could not open {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Could not flush {directory} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static byte[] NullTerminatedUtf8(string value) => System.Text.Encoding.UTF8.GetBytes(value + '\0');

    // DllImport rather than LibraryImport: the source-generated marshalling would need AllowUnsafeBlocks project-wide.
    // The path goes as UTF-8 bytes, which is what the kernel takes, with no string marshalling to get wrong.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int descriptor);
}
