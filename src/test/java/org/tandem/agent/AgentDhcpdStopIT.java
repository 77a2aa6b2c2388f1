package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tandem.lab.DhcpdLab;
import org.tandem.omapi.OmapiException;
import org.tandem.testing.RealServers;

/**
 * The agent stops and starts a real dhcpd 4.4 (DhcpdLab, server "a"), as Central does when it cuts a failover pair over
 * to Kea one server at a time and when it rolls back.
 */
class AgentDhcpdStopIT {

    @Test
    void stopThenStart_realDhcpd_stopsItIdempotentlyAndStartsItAgain() throws Exception {
        RealServers.assumeDhcpd();
        try (DhcpdLab lab = DhcpdLab.start()) {
            DhcpdLab.Server a = lab.primary();
            AgentClient agent = new AgentClient(a.agentUri(), a.agentToken());
            long pid = DhcpdProbe.readPid(a.pidFile());

            AgentApi.HealthView stopped = agent.stopDhcpd();

            assertThat(stopped.dhcpdRunning()).isFalse();
            assertThat(stopped.detail()).isEqualTo("dhcpd (pid " + pid + ") stopped on SIGTERM");
            // Ended; init may not have reaped it yet, which leaves a zombie that ProcessHandle still calls alive.
            assertThat(ProcessHandle.of(pid).map(DhcpdProcess::gone).orElse(true)).as("dhcpd pid %d ended", pid).isTrue();
            assertThatThrownBy(() -> lab.omapi(a).close()).isInstanceOf(OmapiException.class);
            assertThat(agent.health().dhcpdRunning()).isFalse();

            AgentApi.HealthView again = agent.stopDhcpd();

            assertThat(again.dhcpdRunning()).isFalse();
            assertThat(again.detail()).startsWith("dhcpd was not running");

            AgentApi.HealthView started = agent.startDhcpd();

            assertThat(started.dhcpdRunning()).isTrue();
            lab.omapi(a).close();
            long newPid = DhcpdProbe.readPid(a.pidFile());
            assertThat(newPid).isNotEqualTo(pid);
            assertThat(Files.readString(Path.of("/proc", Long.toString(newPid), "comm")).strip()).isEqualTo("dhcpd");
            assertThat(agent.startDhcpd().detail()).as("a second start restarts nothing").contains("already running");
            assertThat(DhcpdProbe.readPid(a.pidFile())).isEqualTo(newPid);
        }
    }
}
