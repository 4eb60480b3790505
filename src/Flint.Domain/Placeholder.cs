namespace Flint.Domain; internal static class Placeholder {}
