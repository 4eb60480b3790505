namespace Flint.Grains; internal static class Placeholder {}
