package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.api.Pages;
import io.stevedore.control.state.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.DeleteAccountSettingRequest;
import software.amazon.awssdk.services.ecs.model.DeleteAccountSettingResponse;
import software.amazon.awssdk.services.ecs.model.ListAccountSettingsRequest;
import software.amazon.awssdk.services.ecs.model.ListAccountSettingsResponse;
import software.amazon.awssdk.services.ecs.model.PutAccountSettingDefaultRequest;
import software.amazon.awssdk.services.ecs.model.PutAccountSettingDefaultResponse;
import software.amazon.awssdk.services.ecs.model.PutAccountSettingRequest;
import software.amazon.awssdk.services.ecs.model.PutAccountSettingResponse;
import software.amazon.awssdk.services.ecs.model.Setting;
import software.amazon.awssdk.services.ecs.model.SettingName;

/** ListAccountSettings, PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting. */
public final class AccountOps {
    /** The account defaults of a new AWS account (the long ARN formats have been mandatory since 2021). */
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("awsvpcTrunking", "disabled");
        DEFAULTS.put("containerInsights", "disabled");
        DEFAULTS.put("containerInstanceLongArnFormat", "enabled");
        DEFAULTS.put("dualStackIPv6", "disabled");
        DEFAULTS.put("fargateFIPSMode", "disabled");
        DEFAULTS.put("fargateTaskRetirementWaitPeriod", "7");
        DEFAULTS.put("guardDutyActivate", "off");
        DEFAULTS.put("serviceLongArnFormat", "enabled");
        DEFAULTS.put("tagResourceAuthorization", "on");
        DEFAULTS.put("taskLongArnFormat", "enabled");
    }

    private final Context ctx;

    public AccountOps(Context ctx) {
        this.ctx = ctx;
    }

    public void register(EcsApi api) {
        api.register("ListAccountSettings", ListAccountSettingsRequest::builder, ListAccountSettingsRequest.class,
                this::list);
        api.register("PutAccountSetting", PutAccountSettingRequest::builder, PutAccountSettingRequest.class,
                this::put);
        api.register("PutAccountSettingDefault", PutAccountSettingDefaultRequest::builder,
                PutAccountSettingDefaultRequest.class, this::putDefault);
        api.register("DeleteAccountSetting", DeleteAccountSettingRequest::builder, DeleteAccountSettingRequest.class,
                this::delete);
    }

    private String root() {
        return "arn:aws:iam::" + ctx.config().accountId() + ":root";
    }

    private static void checkValue(String name, String value) {
        require(value != null && !value.isEmpty(), "value must be specified.");
        if ("fargateTaskRetirementWaitPeriod".equals(name)) {
            require(List.of("0", "7", "14").contains(value),
                    "The value for fargateTaskRetirementWaitPeriod must be 0, 7 or 14.");
        } else if ("containerInsights".equals(name)) {
            require(List.of("enabled", "disabled", "enhanced").contains(value),
                    "The value for containerInsights must be enabled, disabled or enhanced.");
        } else if (List.of("guardDutyActivate", "tagResourceAuthorization").contains(name)) {
            require(List.of("on", "off").contains(value), "The value for " + name + " must be on or off.");
        } else {
            require(List.of("enabled", "disabled").contains(value), "The value for " + name
                    + " must be enabled or disabled.");
        }
    }

    private Setting store(String principal, String name, String value, String type) {
        require(name != null && SettingName.fromValue(name) != SettingName.UNKNOWN_TO_SDK_VERSION,
                "name must be a valid account setting name.");
        checkValue(name, value);
        Setting s = Setting.builder().name(name).value(value).principalArn(principal).type(type).build();
        ctx.state().accountSettings.put(principal + "|" + name, s);
        return s;
    }

    PutAccountSettingResponse put(PutAccountSettingRequest r) {
        String principal = r.principalArn() == null ? root() : r.principalArn();
        require(principal.startsWith("arn:aws:iam::"), "principalArn must be an IAM user, role or root ARN.");
        return PutAccountSettingResponse.builder()
                .setting(store(principal, r.nameAsString(), r.value(), "user")).build();
    }

    PutAccountSettingDefaultResponse putDefault(PutAccountSettingDefaultRequest r) {
        return PutAccountSettingDefaultResponse.builder()
                .setting(store("default", r.nameAsString(), r.value(), "user")).build();
    }

    /**
     * Removes the principal's own value of a setting; it then follows the account default. Answers the setting as it
     * now stands for the principal (idempotent: deleting a setting the principal never set answers the same).
     */
    DeleteAccountSettingResponse delete(DeleteAccountSettingRequest r) {
        String principal = r.principalArn() == null ? root() : r.principalArn();
        require(principal.startsWith("arn:aws:iam::"), "principalArn must be an IAM user, role or root ARN.");
        String name = r.nameAsString();
        require(name != null && SettingName.fromValue(name) != SettingName.UNKNOWN_TO_SDK_VERSION,
                "name must be a valid account setting name.");
        ctx.state().accountSettings.remove(principal + "|" + name);
        return DeleteAccountSettingResponse.builder().setting(Setting.builder().name(name)
                .value(effective(ctx, principal, name)).principalArn(principal).type("aws_managed").build()).build();
    }

    /** The effective value of a setting for a principal. */
    public static String effective(Context ctx, String principal, String name) {
        return ctx.state().accountSettings.get(principal + "|" + name)
                .or(() -> ctx.state().accountSettings.get("default|" + name)).map(Setting::value)
                .orElse(DEFAULTS.getOrDefault(name, "disabled"));
    }

    /**
     * Without {@code effectiveSettings} only the values set for the principal are listed ("If false, the account
     * settings for the principalArn are returned if they're set. Otherwise, no account settings are returned.",
     * ListAccountSettings API reference); with it, every setting's effective value.
     */
    ListAccountSettingsResponse list(ListAccountSettingsRequest r) {
        String principal = r.principalArn() == null ? root() : r.principalArn();
        boolean effective = Boolean.TRUE.equals(r.effectiveSettings());
        List<Setting> out = new ArrayList<>();
        for (String name : DEFAULTS.keySet()) {
            if (r.nameAsString() != null && !r.nameAsString().equals(name)) {
                continue;
            }
            Setting explicit = ctx.state().accountSettings.get(principal + "|" + name).orElse(null);
            Setting s;
            if (explicit != null) {
                s = explicit;
            } else if (effective) {
                String v = effective(ctx, principal, name);
                s = Setting.builder().name(name).value(v).principalArn(principal).type("aws_managed").build();
            } else {
                continue;
            }
            if (r.value() == null || r.value().equals(s.value())) {
                out.add(s);
            }
        }
        Pages.Page<Setting> p = Pages.page(out, Setting::nameAsString, r.nextToken(), r.maxResults(), 100);
        return ListAccountSettingsResponse.builder().settings(p.items()).nextToken(p.nextToken()).build();
    }
}
