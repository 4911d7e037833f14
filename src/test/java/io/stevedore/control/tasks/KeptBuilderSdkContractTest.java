package io.stevedore.control.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * What {@link TaskLifecycle}'s kept builders take from the AWS SDK's {@link Task.Builder} (docs/decisions.md, the
 * thirteenth session's task-lifecycle bullet): a task row built from a builder keeps its values when the same
 * builder is changed and built again, because a setter replaces a list (a copy of what it is given) and never
 * changes the list a built row holds; and the builder still holds exactly the values of the row it built. A kept
 * builder goes on to the task's next row, so an SDK whose setters changed that list in place would change the rows
 * already committed (the values before a change that observers and snapshot readers hold). This pins the contract on
 * the SDK the project builds with; an SDK upgrade that breaks it fails here rather than in a report.
 */
class KeptBuilderSdkContractTest {
    private static final String ARN = "arn:aws:ecs:us-east-1:123456789012:task/web/0123456789abcdef";

    private static Container container(String status) {
        return Container.builder().taskArn(ARN).name("app").lastStatus(status).build();
    }

    private static Attachment eni(String status) {
        return Attachment.builder().id("eni-att-1").type("ElasticNetworkInterface").status(status)
                .details(KeyValuePair.builder().name("privateIPv4Address").value("10.0.0.7").build()).build();
    }

    @Test
    void aRowBuiltFromABuilderKeepsItsValuesWhenTheBuilderGoesOn() {
        List<Container> pending = new ArrayList<>(List.of(container("PENDING")));
        Task.Builder b = Task.builder().taskArn(ARN).lastStatus("PENDING").version(1L).containers(pending)
                .attachments(eni("ATTACHED")).tags(Tag.builder().key("team").value("a").build());
        Task first = b.build();
        pending.add(container("RUNNING")); // the caller's list, changed after the setter took it
        assertThat(first.containers()).as("a setter copies the list it is given").hasSize(1);

        assertThat(b.build()).as("the builder holds exactly the values of the row it built").isEqualTo(first);

        Task second = b.lastStatus("RUNNING").version(2L).containers(container("RUNNING"))
                .attachments(eni("DELETING")).build();
        assertThat(first.lastStatus()).isEqualTo("PENDING");
        assertThat(first.version()).isEqualTo(1L);
        assertThat(first.containers()).as("the first row's containers after the builder went on")
                .containsExactly(container("PENDING"));
        assertThat(first.attachments()).as("the first row's attachments after the builder went on")
                .containsExactly(eni("ATTACHED"));
        assertThat(first.tags()).containsExactly(Tag.builder().key("team").value("a").build());
        assertThat(second.containers()).containsExactly(container("RUNNING"));
        assertThat(second.attachments()).containsExactly(eni("DELETING"));
        assertThat(second.tags()).as("a list the builder was not given again stays").isEqualTo(first.tags());
        assertThat(b.build()).isEqualTo(second);
    }

    @Test
    void aBuiltRowsListsCannotBeChangedThroughTheRow() {
        Task row = Task.builder().taskArn(ARN).containers(container("PENDING")).attachments(eni("ATTACHED"))
                .stoppingAt(Instant.EPOCH).build();
        assertThatThrownBy(() -> row.containers().add(container("RUNNING")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> row.attachments().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
