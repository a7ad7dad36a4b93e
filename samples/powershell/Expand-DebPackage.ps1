#Requires -Version 7.6
<#
.SYNOPSIS
    Extracts a .deb's files into a directory (like `dpkg-deb -x`) and prints a summary with the number of
    progress reports the extraction made.
.DESCRIPTION
    Progress arrives as .NET events of an [AptOstree.ProgressMonitor]: Register-ObjectEvent queues them into the
    session whatever thread raises them, so the -Action block runs safely (a [System.Progress[T]] with a
    scriptblock would run it on a thread-pool thread and end the session).
.EXAMPLE
    ./Expand-DebPackage.ps1 -AssemblyDirectory out/apt-ostree -Path ./hello_2.10-3_amd64.deb -Destination ./hello
#>
param(
    [Parameter(Mandatory)] [string] $AssemblyDirectory,
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $Destination
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Import-AptOstree.ps1') -AssemblyDirectory $AssemblyDirectory

$monitor = [AptOstree.ProgressMonitor]::new()
$seen = @{ Reports = 0; Last = $null }
$subscription = Register-ObjectEvent -InputObject $monitor -EventName ProgressChanged -MessageData $seen -Action {
    $Event.MessageData.Reports++
    $Event.MessageData.Last = $EventArgs.Progress
}
$package = [AptOstree.Deb.DebPackage]::Open((Resolve-Path $Path).Path)
try {
    $result = $package.ExtractTo([IO.Path]::GetFullPath($Destination), $null, $monitor, [Threading.CancellationToken]::None)
}
finally {
    $package.Dispose()
}
# Queued events run when the session is idle; wait until the monitor's count has been seen.
$deadline = [DateTime]::UtcNow.AddSeconds(10)
while ($seen.Reports -lt $monitor.ReportCount -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
Unregister-Event -SubscriptionId $subscription.Id
"$($result.Files) files, $($result.Bytes) bytes; $($seen.Reports) progress reports, the last at $($seen.Last.Completed) of $($seen.Last.Total) $($seen.Last.Unit)"
