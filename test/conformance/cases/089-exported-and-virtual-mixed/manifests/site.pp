@@notify { 'exported': }
@notify { 'virtual-unrealized': }
@notify { 'virtual-realized': }
notify { 'plain': }
realize(Notify['virtual-realized'])
