using Flint.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace Flint.Grains.Tests.Support;

/// <summary>Grain state as the host stores it: System.Text.Json with FlintJson's options over Orleans' defaults.</summary>
public static class StoredJson
{
    private static readonly SystemTextJsonGrainStorageSerializer Serializer = HostSerializer();

    private static SystemTextJsonGrainStorageSerializer HostSerializer()
    {
        var options = new SystemTextJsonGrainStorageSerializerOptions();
        FlintJson.Configure(options.JsonSerializerOptions);
        return new SystemTextJsonGrainStorageSerializer(Options.Create(options));
    }

    public static T Load<T>(string json) => Serializer.Deserialize<T>(BinaryData.FromString(json))!;

    public static string Of<T>(T state) => Serializer.Serialize(state).ToString();
}
