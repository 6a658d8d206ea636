namespace Genviral.Functions.Hosting;

/// <summary>
/// Under the Functions host the app is a custom handler: the host sets FUNCTIONS_CUSTOMHANDLER_PORT, forwards
/// HTTP to it and invokes queue and timer functions through POST /{FunctionName}. Without that variable the app
/// is standalone and runs the queue consumers and timers itself.
/// </summary>
internal static class HostingMode
{
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static int? CustomHandlerPort(IConfiguration configuration) =>
        int.TryParse(configuration[PortVariable], out var port) && port is > 0 and < 65536 ? port : null;

    public static bool IsCustomHandler(IConfiguration configuration) => CustomHandlerPort(configuration) is not null;
}
