#!/bin/bash
# devstack plugin for novalite: installs it, writes its config, runs its daemons.

function install_novalite {
    setup_develop $NOVALITE_DIR libvirt
}

function configure_novalite {
    sudo install -d -o $STACK_USER $NOVALITE_CONF_DIR $NOVALITE_STATE_PATH
    cp $NOVALITE_DIR/etc/novalite/api-paste.ini $NOVALITE_CONF_DIR/
    iniset $NOVALITE_CONF DEFAULT transport_url "$(get_transport_url)"
    iniset $NOVALITE_CONF DEFAULT state_path $NOVALITE_STATE_PATH
    iniset $NOVALITE_CONF DEFAULT compute_driver $NOVALITE_COMPUTE_DRIVER
    iniset $NOVALITE_CONF libvirt virt_type $NOVALITE_VIRT_TYPE
    iniset $NOVALITE_CONF database connection "$(database_connection_url novalite)"
    if is_service_enabled n-lite-meta; then
        configure_novalite_metadata
    fi
}

function configure_novalite_metadata {
    iniset $NOVALITE_CONF api metadata_listen $NOVALITE_METADATA_LISTEN
    iniset $NOVALITE_CONF api metadata_listen_port $NOVALITE_METADATA_PORT
    iniset $NOVALITE_CONF api metadata_workers ${API_WORKERS:-1}
    # The secret Neutron's metadata agent signs X-Instance-ID with.
    if [[ -n "${METADATA_PROXY_SHARED_SECRET:-}" ]]; then
        iniset $NOVALITE_CONF neutron metadata_proxy_shared_secret "$METADATA_PROXY_SHARED_SECRET"
    fi
}

function init_novalite {
    recreate_database novalite
    novalite-manage --config-file $NOVALITE_CONF db sync
}

function start_novalite {
    run_process n-lite-api "$(which novalite-api) --config-file $NOVALITE_CONF"
    run_process n-lite-cond "$(which novalite-conductor) --config-file $NOVALITE_CONF"
    run_process n-lite-sch "$(which novalite-scheduler) --config-file $NOVALITE_CONF"
    run_process n-lite-cpu "$(which novalite-compute) --config-file $NOVALITE_CONF"
    run_process n-lite-meta "$(which novalite-metadata) --config-file $NOVALITE_CONF"
}

function stop_novalite {
    for service in n-lite-api n-lite-cond n-lite-sch n-lite-cpu n-lite-meta; do
        stop_process $service
    done
}

if [[ "$1" == "stack" && "$2" == "install" ]]; then
    install_novalite
elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
    configure_novalite
    init_novalite
elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
    start_novalite
fi
if [[ "$1" == "unstack" ]]; then
    stop_novalite
fi
