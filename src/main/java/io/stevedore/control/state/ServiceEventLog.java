package io.stevedore.control.state;

import io.stevedore.ecs.SdkCodec;
import io.stevedore.store.Codec;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * A service's events, newest first, as DescribeServices shows them. Adding an event makes a new log whose list is a
 * plain copy of references (no model builder per event); the stored form is the API's own: a {@code Service} shape
 * with only the ARN and the events.
 *
 * @param serviceArn the service
 * @param events     newest first; not copied (the caller hands over a list it no longer changes)
 */
public record ServiceEventLog(String serviceArn, List<ServiceEvent> events) {
    public ServiceEventLog {
        Objects.requireNonNull(serviceArn, "serviceArn");
        events = Collections.unmodifiableList(events);
    }

    /** Stores the log as a {@code Service} shape in the AWS JSON form. */
    static final Codec<ServiceEventLog> CODEC = new Codec<>() {
        private final SdkCodec<Service> service = new SdkCodec<>(Service::builder, Service.class);

        @Override
        public String write(ServiceEventLog value) {
            return service.write(Service.builder().serviceArn(value.serviceArn()).events(value.events()).build());
        }

        @Override
        public ServiceEventLog read(String json) {
            Service s = service.read(json);
            return new ServiceEventLog(s.serviceArn(), s.events());
        }
    };
}
