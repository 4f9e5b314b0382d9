using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Trent.Crypto.Pkcs11;

/// <summary>
/// The PKCS#11 modules loaded in this process. A module may be initialised (C_Initialize) only once per process,
/// while the root of trust and any number of custom key stores may use the same one: each module is loaded on
/// first use and finalised when its last user releases it.
/// </summary>
internal static class Pkcs11Modules
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, (IPkcs11Library Library, int Users)> Loaded = new(StringComparer.Ordinal);
    private static readonly Pkcs11InteropFactories Factories = new();

    static Pkcs11Modules()
    {
        // Pkcs11Interop binds dlopen from "libdl", which glibc 2.34 and later ship only as libdl.so.2 (the
        // unversioned name is a development symlink): resolve it to the runtime library.
        System.Runtime.InteropServices.NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, assembly, path) =>
            name == "libdl" && OperatingSystem.IsLinux()
                && System.Runtime.InteropServices.NativeLibrary.TryLoad("libdl.so.2", assembly, path, out var handle)
                ? handle
                : IntPtr.Zero);
    }

    public static IPkcs11Library Acquire(string modulePath)
    {
        var path = Path.GetFullPath(modulePath);
        lock (Gate)
        {
            if (Loaded.TryGetValue(path, out var entry))
            {
                Loaded[path] = (entry.Library, entry.Users + 1);
                return entry.Library;
            }

            if (!File.Exists(path))
            {
                throw new Pkcs11TokenException(Pkcs11Failure.ModuleUnavailable, $"The PKCS#11 module {path} does not exist.");
            }

            IPkcs11Library library;
            try
            {
                library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded);
            }
            catch (Exception e) when (e is UnmanagedException or Pkcs11Exception or LibraryArchitectureException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                throw new Pkcs11TokenException(Pkcs11Failure.ModuleUnavailable, $"The PKCS#11 module {path} cannot be loaded: {OneLine(e.Message)}", e);
            }

            Loaded[path] = (library, 1);
            return library;
        }
    }

    public static void Release(IPkcs11Library library)
    {
        lock (Gate)
        {
            foreach (var (path, entry) in Loaded)
            {
                if (ReferenceEquals(entry.Library, library))
                {
                    if (entry.Users > 1)
                    {
                        Loaded[path] = (library, entry.Users - 1);
                    }
                    else
                    {
                        Loaded.Remove(path);
                        library.Dispose();
                    }

                    return;
                }
            }
        }
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
