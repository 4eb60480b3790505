namespace Flint.Abstractions; internal static class Placeholder {}
