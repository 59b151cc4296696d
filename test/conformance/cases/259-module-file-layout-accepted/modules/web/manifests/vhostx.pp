define web::vhostx { notify { "vhostx ${title}": } }
