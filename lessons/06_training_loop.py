# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] lang="en"
# # Lesson 6 · The training loop
#
# You now have every piece: a network (`nn.Module`), a loss (`nn.CrossEntropyLoss`), gradients
# (`loss.backward()`) and an optimizer that updates the weights (`torch.optim.SGD`). Training a
# network is nothing more than repeating these pieces in the right order, batch after batch:
#
# ```python
# optimizer.zero_grad()               # 1. forget the old gradients
# outputs = model(inputs)             # 2. forward pass
# loss = criterion(outputs, labels)   # 3. loss
# loss.backward()                     # 4. backward pass: gradients
# optimizer.step()                    # 5. update the weights
# ```
#
# In this lesson you will:
#
# 1. run **one** training step by hand and watch a few weights, their gradients and the loss change;
# 2. write the loop over one epoch, `train_epoch`, and the evaluation, `evaluate` (the graded exercises);
# 3. see why we train from tensors held in memory rather than through the usual torchvision pipeline;
# 4. train a multi-layer perceptron to over 98% accuracy on the MNIST test images in five epochs.
#
# **Objectives:** after this lesson you can write a training loop and an evaluation, train an MLP on
# MNIST to 98%, choose on a validation set, and use the test set once.
#
# **Time:** about 75 minutes: reading, running every cell, and the exercise.

# %% [markdown] lang="zh"
# # 第 6 课 · 训练循环
#
# 所有零件都已经齐了：网络（`nn.Module`）、损失函数（`nn.CrossEntropyLoss`）、梯度（`loss.backward()`），
# 还有负责更新权重的优化器（`torch.optim.SGD`）。训练网络，说到底就是按正确的顺序把这几步重复下去，
# 一个批次接一个批次：
#
# ```python
# optimizer.zero_grad()               # 1. 清掉旧的梯度
# outputs = model(inputs)             # 2. 前向传播
# loss = criterion(outputs, labels)   # 3. 计算损失
# loss.backward()                     # 4. 反向传播：求梯度
# optimizer.step()                    # 5. 更新权重
# ```
#
# 本课你将：
#
# 1. 亲手跑**一步**训练，观察几个权重、它们的梯度以及损失如何变化；
# 2. 写出遍历一个轮次（epoch）的循环 `train_epoch` 和评估函数 `evaluate`（本课的评分练习）；
# 3. 弄明白为什么我们要用放在内存里的张量来训练，而不是走 torchvision 的常规数据管道；
# 4. 只用五个轮次，把一个多层感知机训练到 MNIST 测试集准确率超过 98%。
#
# **学习目标：**学完本课，你将能够写出训练循环和评估函数，把一个多层感知机在 MNIST 上训练到 98%；所有选择都在验证集上做，测试集只用一次。
#
# **用时：**约 75 分钟（阅读、运行每个单元格、完成练习）。

# %%
import time

import torch
from torch import nn
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, Subset, TensorDataset
from torchvision import datasets, transforms

import helper

device = helper.device()
generator = helper.seed_everything(0)
# [en] Our network is small: on a CPU, splitting its work over several threads saves nothing, and on a
# [en] busy machine (a class sharing a server) threads that wait for one another make training many
# [en] times slower. So we use one thread (it changes nothing on a GPU).
# [zh] 我们的网络很小：在 CPU 上把它的计算分给多个线程，省不下时间；
# [zh] 而在繁忙的机器上（全班共用一台服务器时），线程之间互相等待会让训练慢上好几倍。
# [zh] 所以只用一个线程（对 GPU 没有影响）。
torch.set_num_threads(1)
print("PyTorch", torch.__version__, helper.tr(en="on", zh="运行在"), device)

# %% [markdown] lang="en"
# ## 1. The data, the standard way
#
# The usual torchvision pipeline turns every image into a tensor when it is needed:
# `transforms.ToTensor()` gives values in $[0, 1]$, and `transforms.Normalize(mean, std)` then
# subtracts the mean pixel value of MNIST (0.1307) and divides by the standard deviation (0.3081), so
# that the inputs have mean about 0 and standard deviation about 1. Inputs on that scale keep the
# first layer's outputs at a sensible size, which makes gradient descent better behaved.

# %% [markdown] lang="zh"
# ## 1. 数据：常规做法
#
# torchvision 的常规数据管道在每次用到一张图片时才把它变成张量：`transforms.ToTensor()` 得到取值在
# $[0, 1]$ 的张量，`transforms.Normalize(mean, std)` 再减去 MNIST 像素的均值（0.1307）、除以标准差（0.3081），
# 使输入的均值约为 0、标准差约为 1。输入处在这样的尺度上，第一层的输出大小就比较合适，梯度下降也更稳定。

# %%
MEAN, STD = 0.1307, 0.3081
BATCH_SIZE = 128

transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((MEAN,), (STD,))])
train_set = datasets.MNIST(helper.data_root(), train=True, download=False, transform=transform)
loader = DataLoader(train_set, batch_size=BATCH_SIZE, shuffle=True, generator=generator)

images, labels = next(iter(loader))
print("images:", tuple(images.shape), images.dtype, " labels:", tuple(labels.shape), labels.dtype)
print(helper.tr(en="pixel values:", zh="像素值："), f"mean {images.mean():.3f}, std {images.std():.3f}, "
      f"min {images.min():.3f}, max {images.max():.3f}")

# %% [markdown] lang="en"
# ## 2. Model, loss, optimizer
#
# The model is a multi-layer perceptron, 784 → 256 → 128 → 10, with ReLU activations. `nn.Flatten()`
# turns each `(1, 28, 28)` image into 784 numbers, so the model takes batches straight from the loader.
#
# Before the last layer sits a **Dropout** layer. During training, `nn.Dropout(0.2)` sets a random 20%
# of its inputs to zero (a fresh choice for every batch) and multiplies the others by $1/0.8$ so that
# the average stays the same. The network cannot rely on any single hidden unit, which makes it
# generalise better. When we *use* the model, we want all units and no randomness, so Dropout must
# then do nothing. A model therefore has two modes:
#
# * `model.train()`: training mode, Dropout active (the mode a new model starts in);
# * `model.eval()`: evaluation mode, Dropout switched off.
#
# The mode is a flag, `model.training`, that each layer reads in its `forward`. Dropout and batch
# normalisation (BatchNorm, which lesson 9's convolutional network uses) are the common layers that
# care; `Linear` and `ReLU` ignore it.
#
# The optimizer is SGD with **momentum** 0.9: it keeps a running sum of past gradients and steps
# along that. The next lesson takes momentum apart; here, note only that on the very first step it is
# the same as plain SGD, $p \leftarrow p - \text{lr} \cdot \nabla_p L$.

# %% [markdown] lang="zh"
# ## 2. 模型、损失函数、优化器
#
# 模型是一个多层感知机：784 → 256 → 128 → 10，激活函数用 ReLU。`nn.Flatten()` 把每张 `(1, 28, 28)`
# 的图片展平成 784 个数，这样模型可以直接接收 DataLoader 给出的批次。
#
# 最后一层之前有一个 **Dropout** 层。训练时，`nn.Dropout(0.2)` 随机把 20% 的输入置为 0（每个批次都重新随机选择），
# 并把其余的输入乘以 $1/0.8$，使平均值保持不变。这样网络就不能依赖某一个隐藏单元，泛化能力会更好。
# 而在*使用*模型时，我们希望所有单元都参与、结果没有随机性，这时 Dropout 就应该什么都不做。所以模型有两种模式：
#
# * `model.train()`：训练模式，Dropout 生效（新建的模型默认处于这种模式）；
# * `model.eval()`：评估模式，Dropout 关闭。
#
# 模式其实就是一个标志 `model.training`，每一层在自己的 `forward` 里读取它。常见的会受它影响的层是 Dropout
# 和批量归一化（BatchNorm，第 9 课的卷积网络会用到）；`Linear` 和 `ReLU` 不受影响。
#
# 优化器是带**动量**（momentum）0.9 的 SGD：它把过去的梯度累积起来，沿着累积的方向走。下一课会详细拆解动量；
# 这里只需要知道，在第一步时它和普通 SGD 完全一样：$p \leftarrow p - \text{lr} \cdot \nabla_p L$。

# %%
LR, MOMENTUM = 0.05, 0.9


def make_model():
    # [en] A fresh MLP 784 → 256 → 128 → 10 with ReLU, and Dropout before the last layer, on `device`.
    # [zh] 在 `device` 上新建一个 784 → 256 → 128 → 10 的 MLP：用 ReLU，最后一层之前有 Dropout。
    return nn.Sequential(
        nn.Flatten(),  # (B, 1, 28, 28) -> (B, 784)
        nn.Linear(784, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Dropout(0.2),
        nn.Linear(128, 10),  # (B, 10): one logit per digit
    ).to(device)


model = make_model()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
print(model)
n_parameters = sum(p.numel() for p in model.parameters())
print(helper.tr(en=f"{n_parameters:,} parameters; training mode: {model.training}",
               zh=f"共 {n_parameters:,} 个参数；训练模式：{model.training}"))

# %% [markdown] lang="en"
# ## 3. One training step, line by line
#
# We take the batch of 128 images from above and move it to the device. To see what one step does, we
# watch three weights of the first layer: `model[1].weight` has shape `(256, 784)`, one row per hidden
# unit and one column per pixel; we pick hidden unit 0 and pixels 405 to 407 (the middle of the image).
#
# We also measure the loss on this batch before and after the step. To compare the two fairly we
# switch Dropout off with `model.eval()`, and since the measurement needs no gradients we wrap it in
# `torch.no_grad()` (more on both below and in section 5).

# %% [markdown] lang="zh"
# ## 3. 一步训练，逐行拆解
#
# 我们拿上面那一批 128 张图片，把它移到设备（`device`）上。为了看清一步训练到底做了什么，我们盯住第一层的三个权重：
# `model[1].weight` 的形状是 `(256, 784)`，每行对应一个隐藏单元，每列对应一个像素；我们选隐藏单元 0
# 和第 405 到 407 个像素（图片正中间）。
#
# 我们还要在这一步前后分别测一次这个批次上的损失。为了公平比较，用 `model.eval()` 关掉 Dropout；
# 测量时不需要梯度，所以放在 `torch.no_grad()` 里（下文和第 5 节还会再讲这两者）。

# %%
helper.diagrams.training_loop();

# %%
images, labels = images.to(device), labels.to(device)
first_layer = model[1]
# [en] Hidden unit 0, pixels 405..407.
# [zh] 隐藏单元 0，像素 405..407。
WATCH = (0, slice(405, 408))


def loss_on_batch():
    # [en] The loss on this batch, with Dropout off and without recording gradients.
    # [zh] 这一批上的损失：关掉 Dropout，也不记录梯度。
    model.eval()
    with torch.no_grad():
        return criterion(model(images), labels).item()


def show(values):
    # [en] A few numbers with six decimals, so that small changes are visible.
    # [zh] 保留六位小数显示几个数，好让微小的变化也看得出来。
    return "  ".join(f"{v:+.6f}" for v in values.tolist())


loss_before = loss_on_batch()
weights_before = first_layer.weight[WATCH].detach().clone()
print(helper.tr(en=f"loss on this batch: {loss_before:.4f}", zh=f"这一批上的损失：{loss_before:.4f}"))
print(helper.tr(en="weights:", zh="权重："), show(weights_before))
# [en] None: no backward pass has run yet.
# [zh] None：还没有做过反向传播。
print(helper.tr(en="their gradient:", zh="它们的梯度："), first_layer.weight.grad)

# %% [markdown] lang="en"
# Now the training step up to the backward pass, one job per line:
#
# * `model.train()`: training mode, so Dropout is active (we just left it in eval mode);
# * `optimizer.zero_grad()`: `backward()` **adds** to each parameter's `.grad`, it never overwrites
#   it; without this line the step would use the sum of this batch's gradient and all earlier ones.
#   (It sets the `.grad` of every parameter the optimizer holds back to `None`.)
# * `outputs = model(images)`: the forward pass, logits of shape `(128, 10)`; autograd records every
#   operation on the way, so that it can go back through them;
# * `loss = criterion(outputs, labels)`: one number, the mean cross-entropy over the 128 images;
# * `loss.backward()`: walks the recorded graph backwards and stores $\partial L / \partial p$ in
#   `p.grad` for every parameter $p$.

# %% [markdown] lang="zh"
# 下面是一步训练中直到反向传播为止的部分，每一行只做一件事：
#
# * `model.train()`：切到训练模式，让 Dropout 生效（刚才我们把它留在了评估模式）；
# * `optimizer.zero_grad()`：`backward()` 会把梯度**累加**到每个参数的 `.grad` 上，而不是覆盖它；
#   少了这一行，这一步用的就是本批次的梯度加上之前所有批次梯度的总和。
#   （它把优化器管理的每个参数的 `.grad` 重新设为 `None`。）
# * `outputs = model(images)`：前向传播，得到形状为 `(128, 10)` 的 logits；autograd 会把沿途的每个运算都记录下来，
#   以便之后反向走回去；
# * `loss = criterion(outputs, labels)`：一个数，即 128 张图片交叉熵的平均值；
# * `loss.backward()`：沿着记录下来的计算图反向走一遍，把 $\partial L / \partial p$ 存进每个参数 $p$ 的 `p.grad`。

# %%
model.train()
optimizer.zero_grad()
outputs = model(images)
loss = criterion(outputs, labels)
loss.backward()

print("outputs:", tuple(outputs.shape), " loss:", round(loss.item(), 4))
print(helper.tr(en="gradient of the weights:", zh="这几个权重的梯度："), show(first_layer.weight.grad[WATCH]))
print(helper.tr(en="gradient shape:", zh="梯度的形状："), tuple(first_layer.weight.grad.shape),
      helper.tr(en="= weight shape", zh="= 权重的形状"), tuple(first_layer.weight.shape))

# %% [markdown] lang="en"
# Every parameter now has a gradient of its own shape. A positive gradient means "increasing this
# weight would increase the loss", so the step will decrease it, and the other way round.
#
# (The loss printed here is a little different from the one measured before: it was computed in
# training mode, with Dropout switching off a random 20% of the last hidden units.)
#
# The fifth line, `optimizer.step()`, changes every parameter in place. On this first step it
# computes $p \leftarrow p - \text{lr} \cdot p.\text{grad}$ with lr = 0.05; we check that by hand.

# %% [markdown] lang="zh"
# 现在每个参数都有了一个和自己形状相同的梯度。梯度为正，表示“增大这个权重会让损失变大”，所以这一步会减小它；
# 梯度为负则相反。
#
# （这里打印的损失和之前测的略有不同：它是在训练模式下算的，Dropout 随机关掉了最后一个隐藏层中 20% 的单元。）
#
# 第五行 `optimizer.step()` 原地修改每个参数。在第一步，它计算的是 $p \leftarrow p - \text{lr} \cdot p.\text{grad}$，
# 其中 lr = 0.05；我们来手算核对一下。

# %%
gradient = first_layer.weight.grad[WATCH].clone()
optimizer.step()
weights_after = first_layer.weight[WATCH].detach()

print("before:          ", show(weights_before))
print("gradient:        ", show(gradient))
print("after:           ", show(weights_after))
print("before - lr*grad:", show(weights_before - LR * gradient))
print(helper.tr(en="the same:", zh="相同："), torch.allclose(weights_after, weights_before - LR * gradient))

loss_after = loss_on_batch()
print(helper.tr(en=f"loss on this batch: {loss_before:.4f} -> {loss_after:.4f}", zh=f"这一批上的损失：{loss_before:.4f} -> {loss_after:.4f}"))

# %% [markdown] lang="en"
# One step made the loss on this batch a little smaller. That is all training is: many small steps,
# each one downhill for the batch it sees.
#
# **Think:** the step lowered the loss on *this* batch. Would you expect it to lower the loss on a
# different batch too? Why, and why by less?
#
# **Eval mode is not the same as no gradients.** `model.eval()` only changes how layers such as Dropout
# behave; autograd keeps recording. `torch.no_grad()` is what stops the recording. And gradients
# accumulate: run `backward()` twice without `zero_grad()` and `.grad` holds the sum (in eval mode
# both passes compute the same gradient, so the sum is exactly twice the first):

# %% [markdown] lang="zh"
# 一步训练让这个批次上的损失小了一点。训练就是这么回事：走很多小步，每一步都在它看到的那个批次上“下坡”。
#
# **想一想：** 这一步降低了*这个*批次上的损失。你觉得它也会降低另一个批次上的损失吗？为什么？为什么降得更少？
#
# **评估模式不等于不求梯度。** `model.eval()` 只改变 Dropout 这类层的行为，autograd 照样记录计算图；
# 真正停止记录的是 `torch.no_grad()`。另外，梯度是会累加的：不调用 `zero_grad()` 连续做两次 `backward()`，
# `.grad` 里存的就是两次的和（在评估模式下两次算出的梯度完全相同，所以和正好是第一次的两倍）：

# %%
model.eval()
optimizer.zero_grad()
criterion(model(images), labels).backward()
once = first_layer.weight.grad[WATCH].clone()
# [en] No zero_grad() in between:
# [zh] 中间没有调用 zero_grad()：
criterion(model(images), labels).backward()
print(helper.tr(en="after one backward: ", zh="一次 backward 之后："), show(once))
print(helper.tr(en="after two backwards:", zh="两次 backward 之后："), show(first_layer.weight.grad[WATCH]))
optimizer.zero_grad()

# %% [markdown] lang="en"
# ## 4. Exercise 1 (3 points): `train_epoch`
#
# One **epoch** is one pass over the whole training set, batch after batch. Write
# `train_epoch(model, loader, criterion, optimizer, device)`, which trains `model` for one epoch:
#
# 1. put the model in training mode (it may arrive in eval mode, e.g. right after an evaluation);
# 2. loop over `loader` once; move each batch (`inputs` and `labels`) to `device` first;
# 3. for each batch: `zero_grad` → forward → loss with `criterion` → `backward` → `step`;
# 4. return the **mean loss per sample** over the epoch, as a Python `float`.
#
# What "mean loss per sample" means precisely: `criterion` returns the mean loss over the batch, so
# multiply each batch's `loss.item()` by its batch size, add these up over the epoch and divide by
# the number of samples:
#
# $$\bar L = \frac{\sum_{\text{batches } b} L_b \cdot n_b}{\sum_b n_b}.$$
#
# Take $L_b$ as computed in that step (before `step()` changes the weights). The last batch is often
# smaller (60,000 = 468 · 128 + 96), so neither the last batch's loss nor the plain mean of the batch
# losses is the answer. Use `loss.item()`: it turns the 0-dimensional loss tensor into a Python number
# (and adding up the tensors themselves would keep every batch's graph alive in memory).
#
# The check cell watches your loop closely: it starts the model in eval mode, hands you batches that
# know whether they were moved, compares the weights after your epoch with a correct epoch from the same
# start, and tells you which mistake it sees.

# %% [markdown] lang="zh"
# ## 4. 练习 1（3 分）：`train_epoch`
#
# 一个**轮次（epoch）**就是把整个训练集按批次完整过一遍。请实现 `train_epoch(model, loader, criterion, optimizer, device)`，
# 把 `model` 训练一个轮次：
#
# 1. 把模型切到训练模式（传进来的模型可能处于评估模式，比如刚做完一次评估）；
# 2. 把 `loader` 遍历一遍；每个批次（`inputs` 和 `labels`）都先移到 `device` 上；
# 3. 对每个批次：`zero_grad` → 前向传播 → 用 `criterion` 计算损失 → `backward` → `step`；
# 4. 以 Python `float` 返回这一轮中**每个样本的平均损失**。
#
# “每个样本的平均损失”的准确含义：`criterion` 返回的是一个批次上的平均损失，所以要把每个批次的 `loss.item()`
# 乘以该批次的大小，在整个轮次上累加，再除以样本总数：
#
# $$\bar L = \frac{\sum_{\text{批次 } b} L_b \cdot n_b}{\sum_b n_b}.$$
#
# 其中 $L_b$ 取该步中算出的损失（即 `step()` 修改权重之前的值）。最后一个批次往往更小（60,000 = 468 · 128 + 96），
# 所以最后一个批次的损失、或者各批次损失的简单平均，都不是正确答案。请用 `loss.item()`：它把 0 维的损失张量变成
# Python 数字（如果直接把张量加起来，每个批次的计算图都会一直占着内存）。
#
# 检查单元格会仔细观察你的循环：它让模型从评估模式开始，给你的批次会“记得”自己有没有被移到设备上，
# 并且从同样的初始权重出发，把你训练一轮后的权重和正确的结果比较，然后告诉你它发现了哪种错误。

# %% solution="train_epoch"
def train_epoch(model, loader, criterion, optimizer, device):
    """Train `model` for one epoch over `loader`; return the mean loss per sample (a float)."""
    ### BEGIN SOLUTION
    model.train()
    total_loss, n_samples = 0.0, 0
    for inputs, labels in loader:
        inputs, labels = inputs.to(device), labels.to(device)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        n_samples += len(labels)
    return total_loss / n_samples
    ### END SOLUTION


# %% tests="test_train_epoch" points=3
from autograder import check

check("train_epoch", train_epoch)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("train_epoch", train_epoch)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 5. Exercise 2 (2 points): `evaluate`
#
# To know how good the model is, we measure its **accuracy** on images it has not trained on: the
# fraction of images whose predicted class, the index of the largest logit (`outputs.argmax(dim=1)`),
# equals the label. Write `evaluate(model, loader, device)`:
#
# 1. put the model in evaluation mode (`model.eval()`): Dropout off, so the answer is not random;
# 2. switch off gradient tracking with `with torch.no_grad():` around the loop: evaluation never calls
#    `backward()`, and without a graph to record the forward pass is faster and needs less memory;
# 3. loop over `loader` once, moving each batch to `device`, and count the right predictions;
# 4. return the number of right predictions divided by the number of samples, a Python `float` in
#    $[0, 1]$ (again: not the last batch's accuracy, not the plain mean of the batch accuracies).

# %% [markdown] lang="zh"
# ## 5. 练习 2（2 分）：`evaluate`
#
# 要知道模型好不好，就要在它没有训练过的图片上测**准确率**：预测类别（最大 logit 的下标，`outputs.argmax(dim=1)`）
# 与标签相同的图片所占的比例。请实现 `evaluate(model, loader, device)`：
#
# 1. 把模型切到评估模式（`model.eval()`）：关掉 Dropout，结果才不带随机性；
# 2. 用 `with torch.no_grad():` 包住循环，关闭梯度追踪：评估时从不调用 `backward()`，不记录计算图，
#    前向传播更快，占用的内存也更少；
# 3. 把 `loader` 遍历一遍，每个批次先移到 `device` 上，统计预测正确的个数；
# 4. 返回预测正确的个数除以样本总数，是一个在 $[0, 1]$ 之间的 Python `float`
#    （同样：不是最后一个批次的准确率，也不是各批次准确率的简单平均）。

# %% solution="evaluate"
def evaluate(model, loader, device):
    """The accuracy of `model` over all samples of `loader`, a float in [0, 1]."""
    ### BEGIN SOLUTION
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            predictions = model(inputs).argmax(dim=1)
            correct += (predictions == labels).sum().item()
            total += len(labels)
    return correct / total
    ### END SOLUTION


# %% tests="test_evaluate" points=2
from autograder import check

check("evaluate", evaluate)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("evaluate", evaluate)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# ## 6. Faster data: decode once, keep the tensors
#
# The pipeline of section 1 works, but look at what it does for **every image in every epoch**: it
# takes the stored bytes, builds a PIL image, converts it to a float tensor (`ToTensor`), normalises
# it, and finally the DataLoader stacks 128 of these small tensors into a batch. That is a lot of
# Python work per image, and on a CPU it usually costs more than the training step itself.
#
# MNIST is small: all 60,000 images as float32 take 188 MB. So we do the conversion **once**:
# `helper.load_tensors("MNIST", device=device)` returns all images as one tensor of shape
# `(60000, 1, 28, 28)` in $[0, 1]$ and the labels as one tensor of shape `(60000,)`; we normalise
# them in a single operation. A `TensorDataset` then only has to index into these tensors. With a GPU,
# `device=device` puts the whole data set on the GPU, so no batch is ever copied during training.
#
# One more cost hides in the DataLoader itself: by default it fetches a batch **sample by sample**,
# calling `dataset[i]` 128 times, and then stacks the 128 small tensors (`collate`). A
# `TensorDataset` can be indexed with a whole list of indices at once. So we let a `BatchSampler`
# hand out whole batches of (shuffled) indices and switch the loader's own batching off with
# `batch_size=None`: each batch is then one indexing per tensor. Same batches, same order, less Python.
#
# "Same order" needs one more thing: a seeded `torch.Generator` for each loader. Without
# `generator=`, a shuffling loader draws its order from PyTorch's global random state, which every
# other random operation (initialising a model, Dropout) also moves on; two loaders, or two runs, then
# shuffle differently. A generator of its own, `torch.Generator().manual_seed(0)`, makes a loader's
# order depend on its seed alone. Below each loader gets a fresh one, and we check that all three
# start with the same batch. One detail: at the start of every epoch a `DataLoader` draws one number
# from its `generator` (to seed worker processes), before its sampler shuffles. So when the sampler
# is ours, the loader must get the very same generator, or the two start from different states.
# `helper.tensor_loader` does this for you.
#
# Let's time one epoch of your `train_epoch` on the first 2,560 training images through each loader.

# %% [markdown] lang="zh"
# ## 6. 更快的数据：只解码一次，把张量留在内存里
#
# 第 1 节的数据管道能用，但看看它对**每个轮次里的每一张图片**都做了什么：取出存储的字节，构造一个 PIL 图片，
# 转换成浮点张量（`ToTensor`），做归一化，最后 DataLoader 再把 128 个小张量堆叠成一个批次。
# 每张图片都要执行大量 Python 代码，在 CPU 上这通常比训练本身还要费时间。
#
# MNIST 很小：60,000 张图片用 float32 存储只占 188 MB。所以我们只做**一次**转换：
# `helper.load_tensors("MNIST", device=device)` 把所有图片作为一个形状为 `(60000, 1, 28, 28)`、取值在 $[0, 1]$
# 的张量返回，标签则是一个形状为 `(60000,)` 的张量；归一化也只需一次运算。之后 `TensorDataset` 只需在这些张量里做索引。
# 如果有 GPU，`device=device` 会把整个数据集放到 GPU 上，训练时就再也不用复制任何批次了。
#
# DataLoader 本身还藏着一笔开销：默认情况下，它**逐个样本**地取出一个批次，调用 128 次 `dataset[i]`，
# 再把这 128 个小张量堆叠起来（`collate`）。而 `TensorDataset` 可以一次用一整个索引列表来取数据。
# 所以我们让 `BatchSampler` 直接给出整批（打乱后的）索引，并用 `batch_size=None` 关掉 DataLoader 自己的分批：
# 这样每个批次对每个张量只做一次索引。批次相同、顺序相同，Python 代码却少得多。
#
# 要做到“顺序相同”，还差一样东西：给每个 DataLoader 一个设了种子的 `torch.Generator`。如果不传 `generator=`，
# 打乱顺序的 DataLoader 就从 PyTorch 的全局随机状态中取随机数，而其他所有随机操作（初始化模型、Dropout）也都在消耗这个状态；
# 这样两个 DataLoader，或者两次运行，打乱的顺序就不一样了。有了自己的生成器 `torch.Generator().manual_seed(0)`，
# DataLoader 的顺序就只取决于它的种子。下面给每个 DataLoader 各配一个新的生成器，并检查三者给出的第一个批次完全相同。
# 有一个细节：每个轮次开始时，`DataLoader` 会先从它的 `generator` 里取一个数（用来给工作进程设种子），然后采样器才打乱顺序。
# 所以采样器是我们自己给的时候，DataLoader 必须拿到同一个生成器，否则两者的起始状态就不一样了。
# `helper.tensor_loader` 已经替你做好了这一点。
#
# 我们用你的 `train_epoch`，分别通过三种 DataLoader 在前 2,560 张训练图片上训练一轮，看看各要多久。

# %%
train_images, train_labels = helper.load_tensors("MNIST", train=True, device=device)
test_images, test_labels = helper.load_tensors("MNIST", train=False, device=device)
train_images = (train_images - MEAN) / STD
test_images = (test_images - MEAN) / STD
print("train:", tuple(train_images.shape), train_images.dtype, train_images.device,
      " test:", tuple(test_images.shape))

SLICE = 2560


def seeded():
    # [en] A generator of its own for each loader: its order depends on this seed alone.
    # [zh] 每个 DataLoader 都有自己的生成器：它的顺序只取决于这个种子。
    return torch.Generator().manual_seed(0)


pipeline_loader = DataLoader(Subset(train_set, range(SLICE)), batch_size=BATCH_SIZE, shuffle=True,
                             generator=seeded())
slice_set = TensorDataset(train_images[:SLICE], train_labels[:SLICE])
sample_loader = DataLoader(slice_set, batch_size=BATCH_SIZE, shuffle=True, generator=seeded())
# [en] The sampler makes the batches (lists of shuffled indices); the loader only indexes the dataset with them.
# [zh] 由采样器生成批次（打乱后的索引列表）；DataLoader 只负责用它们去索引数据集。
batch_generator = seeded()
batch_sampler = BatchSampler(RandomSampler(slice_set, generator=batch_generator), BATCH_SIZE, drop_last=False)
batch_loader = DataLoader(slice_set, sampler=batch_sampler, batch_size=None, generator=batch_generator)

first_labels = [next(iter(loader))[1].cpu() for loader in (pipeline_loader, sample_loader, batch_loader)]
print(helper.tr(en="same first batch:", zh="第一个批次相同："), all(torch.equal(first_labels[0], labels) for labels in first_labels))


def seconds_for_one_epoch(loader):
    scratch = make_model()
    scratch_optimizer = torch.optim.SGD(scratch.parameters(), lr=LR, momentum=MOMENTUM)
    start = time.perf_counter()
    train_epoch(scratch, loader, criterion, scratch_optimizer, device)
    if device.type != "cpu":
        # [en] GPU work (CUDA, MPS, XPU) runs asynchronously: wait for it before reading the clock.
        # [zh] GPU（CUDA、MPS、XPU）上的运算是异步执行的：读时钟之前要先等它做完。
        torch.accelerator.synchronize()
    return time.perf_counter() - start


pipeline_seconds = seconds_for_one_epoch(pipeline_loader)
sample_seconds = seconds_for_one_epoch(sample_loader)
batch_seconds = seconds_for_one_epoch(batch_loader)
scale = len(train_set) / SLICE
for name, seconds in [(helper.tr(en="torchvision pipeline", zh="torchvision 数据管道"), pipeline_seconds),
                      (helper.tr(en="tensors, sample by sample", zh="张量，逐个样本"), sample_seconds),
                      (helper.tr(en="tensors, batch by batch", zh="张量，按整批"), batch_seconds)]:
    print(f"{name:26}", helper.tr(en=f"{seconds:.2f} s for {SLICE} images -> about {seconds * scale:4.1f} s per epoch of 60,000",
                                   zh=f"{SLICE} 张图片用时 {seconds:.2f} s -> 60,000 张的一个轮次约 {seconds * scale:4.1f} s"))
print(helper.tr(en=f"batch by batch is {pipeline_seconds / batch_seconds:.0f} times faster than the pipeline",
               zh=f"按整批取数据比数据管道快 {pipeline_seconds / batch_seconds:.0f} 倍"))

# %% [markdown] lang="en"
# On a CPU the tensors are typically five to ten times faster than the pipeline, and fetching whole
# batches saves another third or so (the exact numbers depend on the machine and on what else it is
# doing). Same model, same training step: the difference is all in preparing the data. The pipeline
# is still the right tool when a data set does not fit in memory, or when every epoch should see
# *differently* transformed images (random crops, flips: what is called data augmentation).
#
# `helper.tensor_loader(images, labels, batch_size, shuffle, generator)` builds the batch-by-batch
# loader in one line; we use it from now on. (One difference to remember: its `.batch_size` is
# `None`, because the sampler, not the loader, makes the batches.)

# %% [markdown] lang="zh"
# 在 CPU 上，用内存中的张量通常比数据管道快五到十倍，按整批取数据还能再省下三分之一左右
# （具体数字取决于机器，以及机器当时还在忙些什么）。
# 模型相同、训练步骤相同，差别完全来自数据准备。当数据集放不进内存，或者希望每个轮次看到*不同*变换后的图片时
# （随机裁剪、翻转，即所谓的数据增强），数据管道仍然是合适的工具。
#
# `helper.tensor_loader(images, labels, batch_size, shuffle, generator)` 用一行代码就能构造出这种按整批取数据的
# DataLoader，后面我们都用它。（有一点要记住：它的 `.batch_size` 是 `None`，因为批次是由采样器而不是 DataLoader 生成的。）

# %% [markdown] lang="en"
# ## 7. The training loop
#
# **Three sets, three jobs.** Before training, we cut a **validation set** of 5,000 images off the
# 60,000 training images, at random but with a seeded generator, so it is the same cut in every run.
# The model trains on the other 55,000. Every choice we make while developing (how many epochs, which
# learning rate, which model) is made by looking at the validation results. The **test set** is used
# once, at the very end, to report how well the finished model does on images that played no part in
# any decision. If we chose the epochs by watching the test accuracy, that choice would fit the test
# set a little, and the reported accuracy would be too optimistic.
#
# Everything together. Each epoch trains once over the 55,000 training images (shuffled anew every
# epoch by the seeded `generator`), then measures, in eval mode and without gradients:
#
# * the validation loss and accuracy (the 5,000 validation images fit in one forward pass, so the
#   loss needs no loader);
# * the training accuracy, on 5,000 training images only, which is enough and saves time.
#
# One more ingredient: a **learning-rate schedule**. `CosineAnnealingLR` lowers the learning rate after
# every epoch along half a cosine, from 0.05 down to 0: large steps while the weights are far from
# good, small ones at the end so that they settle instead of bouncing around. The progress bar shows
# the epochs as they finish.

# %% [markdown] lang="zh"
# ## 7. 训练循环
#
# **三个数据集，三种用途。** 训练之前，我们从 60,000 张训练图片中随机分出 5,000 张作为**验证集**；
# 分的时候用设了种子的生成器，所以每次运行分法都一样。模型只在其余 55,000 张图片上训练。
# 开发过程中的每个选择（训练多少个轮次、用什么学习率、用哪个模型）都要看验证集上的结果来决定。
# **测试集**只在最后用一次，用来报告完成的模型在没有参与过任何决定的图片上表现如何。
# 如果我们盯着测试准确率来选轮次，这个选择就会多少迁就测试集，报告出来的准确率就会偏乐观。
#
# 把所有部分组合起来。每个轮次先在 55,000 张训练图片上训练一遍（由设了种子的 `generator` 在每个轮次重新打乱顺序），
# 然后在评估模式下、不求梯度地测量：
#
# * 验证集上的损失和准确率（5,000 张验证图片一次前向传播就能算完，所以计算损失不需要 DataLoader）；
# * 训练集上的准确率，只用 5,000 张训练图片来测，这就够了，还能节省时间。
#
# 还有一个新东西：**学习率调度**。`CosineAnnealingLR` 在每个轮次结束后按半个余弦曲线降低学习率，从 0.05 一直降到 0：
# 权重离好的解还远时步子迈大一些，最后步子变小，让权重稳定下来，而不是来回震荡。进度条会显示已经完成的轮次。

# %%
EPOCHS = 5
generator = helper.seed_everything(0)
model = make_model()
optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS)

# [en] 5,000 validation images, cut off the training images by a seeded permutation.
# [zh] 用设了种子的随机排列，从训练图片中分出 5,000 张验证图片。
order = torch.randperm(len(train_images), generator=torch.Generator().manual_seed(0)).to(device)
val_index, fit_index = order[:5000], order[5000:]
val_images, val_labels = train_images[val_index], train_labels[val_index]
fit_images, fit_labels = train_images[fit_index], train_labels[fit_index]

train_loader = helper.tensor_loader(fit_images, fit_labels, BATCH_SIZE, shuffle=True, generator=generator)
train_eval_loader = helper.tensor_loader(fit_images[:5000], fit_labels[:5000], 1000)
val_loader = helper.tensor_loader(val_images, val_labels, 1000)

history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
start = time.perf_counter()
epochs = helper.progress(range(1, EPOCHS + 1), desc="epochs")
for epoch in epochs:
    train_loss = train_epoch(model, train_loader, criterion, optimizer, device)
    # [en] The next epoch uses a smaller learning rate.
    # [zh] 下一个轮次使用更小的学习率。
    scheduler.step()

    model.eval()
    with torch.no_grad():
        val_loss = criterion(model(val_images), val_labels).item()
    history["train_loss"].append(train_loss)
    history["val_loss"].append(val_loss)
    history["train_acc"].append(evaluate(model, train_eval_loader, device))
    history["val_acc"].append(evaluate(model, val_loader, device))
    epochs.set_postfix(train_loss=f"{train_loss:.4f}", val_acc=f"{history['val_acc'][-1]:.4f}")
training_seconds = time.perf_counter() - start

print(helper.tr(en=f"validation accuracy after {EPOCHS} epochs: {history['val_acc'][-1]:.4f} "
                  f"({training_seconds:.1f} s of training on {device})",
               zh=f"{EPOCHS} 个轮次后的验证准确率：{history['val_acc'][-1]:.4f}"
                  f"（在 {device} 上训练了 {training_seconds:.1f} s）"))
helper.plot_history(history);

# %% [markdown] lang="en"
# Read the curves:
#
# * the training loss (averaged over each epoch while the weights were still changing, with Dropout on)
#   falls fast, then slowly;
# * the validation loss is *lower* than the training loss at first: it is measured at the end of the
#   epoch, by the improved model, and without Dropout;
# * later the training accuracy climbs above the validation accuracy, and the validation loss levels
#   off: the model starts to fit details of its training images that do not carry over to new ones
#   (the beginning of **overfitting**).
#
# The training is finished, so now, once, the test set. The cell stops the notebook if the test
# accuracy falls under 98%, so a change that breaks training cannot go unnoticed.

# %% [markdown] lang="zh"
# 看看这些曲线：
#
# * 训练损失（在每个轮次中取平均，当时权重还在变化，而且 Dropout 是开着的）先是快速下降，然后变慢；
# * 一开始验证损失反而*低于*训练损失：它是在轮次结束时由已经变好的模型测出的，并且没有 Dropout；
# * 之后训练准确率升到了验证准确率之上，验证损失也趋于平稳：模型开始记住训练图片中那些无法推广到新图片的细节
#   （这是**过拟合**的开端）。
#
# 训练已经结束，现在才用测试集，而且只用这一次。如果测试准确率低于 98%，下面的单元格会让笔记本报错停下，
# 这样任何破坏了训练的改动都不会被忽略。

# %%
test_accuracy = evaluate(model, helper.tensor_loader(test_images, test_labels, 1000), device)
assert test_accuracy >= 0.98, f"test accuracy {test_accuracy:.4f} is below 0.98: has the training loop changed?"
print(helper.tr(en=f"test accuracy {test_accuracy:.2%} ≥ 98%", zh=f"测试准确率 {test_accuracy:.2%} ≥ 98%"))

# %% [markdown] lang="en"
# What does it still get wrong? Here are some of the test images the trained model misclassifies
# (title: *prediction (true label)*). Many are hard to read for a human too.

# %% [markdown] lang="zh"
# 它还会认错哪些数字？下面是训练好的模型分错的一部分测试图片（标题是“预测（真实标签）”）。
# 其中不少连人也很难认出来。

# %%
model.eval()
with torch.no_grad():
    predictions = model(test_images).argmax(dim=1)
wrong = (predictions != test_labels).nonzero().flatten()[:16]
n_wrong = int((predictions != test_labels).sum())
print(helper.tr(en=f"{n_wrong} of {len(test_labels)} test images are misclassified",
               zh=f"{len(test_labels)} 张测试图片中有 {n_wrong} 张分错了"))
helper.show_batch(test_images[wrong], test_labels[wrong], classes="mnist", predictions=predictions[wrong]);

# %% [markdown] lang="en"
# ## Summary
#
# * One training step is five lines: `zero_grad`, forward, loss, `backward`, `step`; an epoch
#   repeats it for every batch of the loader.
# * `model.train()` and `model.eval()` switch layers such as Dropout; evaluation needs `eval()`
#   *and* `torch.no_grad()`.
# * Data decoded once and kept as tensors, fetched a whole batch at a time, trains several times
#   faster than the per-image pipeline; a seeded `torch.Generator` per loader fixes its order.
# * A validation set, cut off the training data with a seeded generator, is where every choice is
#   made; the test set is used once, at the end.

# %% [markdown] lang="zh"
# ## 小结
#
# * 一步训练就是五行代码：`zero_grad`、前向传播、计算损失、`backward`、`step`；一个轮次就是对 DataLoader 的每个批次重复一遍。
# * `model.train()` 和 `model.eval()` 切换 Dropout 这类层的行为；评估时既要 `eval()`，*又*要 `torch.no_grad()`。
# * 数据只解码一次、以张量形式留在内存里，并且按整批取出，训练比逐张图片走数据管道快好几倍；给每个 DataLoader 一个设了种子的 `torch.Generator`，它的顺序就固定了。
# * 用设了种子的生成器从训练数据中分出验证集，所有选择都在验证集上做；测试集只在最后用一次。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. Right after `zero_grad()` every `.grad` is `None`, and `step()` skips parameters without a
#    gradient, so it changes nothing; `backward()` then fills `.grad`, and the next `zero_grad()`
#    throws it away. The weights never change and the loss stays where it started.
# 2. The mean mixes the losses of all the models of the epoch, the early, worse ones included, and
#    it is measured in training mode with Dropout on. The final model, measured in eval mode on the
#    training set, usually has a **smaller** loss.
# 3. `eval()` switches Dropout off (and makes BatchNorm use its running statistics); `no_grad()`
#    stops autograd from recording. With only `no_grad()`, Dropout still drops 20% of the units: the
#    accuracy is lower and random. With only `eval()`, the numbers are right but a graph is built
#    for every batch, wasting memory and time.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. 刚调用完 `zero_grad()` 时，每个 `.grad` 都是 `None`，而 `step()` 会跳过没有梯度的参数，所以什么都不改；接着 `backward()` 填好 `.grad`，下一次 `zero_grad()` 又把它扔掉。权重永远不变，损失也一直停在起点。
# 2. 这个平均值混合了整个轮次中所有模型的损失，包括早期那些更差的模型，而且是在训练模式下、Dropout 开着时测的。最终的模型在评估模式下、在训练集上测出的损失通常**更小**。
# 3. `eval()` 关掉 Dropout（并让 BatchNorm 使用滑动统计量）；`no_grad()` 让 autograd 停止记录。只用 `no_grad()`，Dropout 仍会随机丢掉 20% 的单元：准确率偏低，而且每次都不一样。只用 `eval()`，数值是对的，但每个批次都会建一张计算图，白白浪费内存和时间。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. Swap two lines of the training step: call `optimizer.step()` before `loss.backward()`. What does
#    each step then use, and what happens to the weights? (Remember: right after `zero_grad()` every
#    `.grad` is `None`.)
# 2. Your `train_epoch` returns the mean loss over the epoch while the weights were changing. Why is it
#    not the loss of the final model on the training set? Would that number be larger or smaller?
# 3. Why does the evaluation need `model.eval()` *and* `torch.no_grad()`? What goes wrong with only one of
#    them?
#
# **Next:** momentum. What exactly does `momentum=0.9` do to each step, and why does it help so much?

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. 把训练步骤中的两行对调：先调用 `optimizer.step()`，再调用 `loss.backward()`。这样每一步用的是什么梯度？
#    权重会怎样变化？（别忘了：刚调用完 `zero_grad()` 时，每个 `.grad` 都是 `None`。）
# 2. 你的 `train_epoch` 返回的是整个轮次中、权重一直在变化时的平均损失。为什么它不等于最终模型在训练集上的损失？
#    后者会更大还是更小？
# 3. 为什么评估时既需要 `model.eval()`，*又*需要 `torch.no_grad()`？只用其中一个会出什么问题？
#
# **下一课：** 动量。`momentum=0.9` 到底对每一步做了什么？为什么它的效果这么好？
